package org.tugai.gateway.decode;

/** Thrown inside decoders to abandon one input with a {@link Rejection}. */
final class RejectedException extends Exception {

  private final transient Rejection rejection;

  RejectedException(String code, String reason) {
    super(reason, null, false, false);
    this.rejection = new Rejection(code, reason);
  }

  Rejection rejection() {
    return rejection;
  }
}
