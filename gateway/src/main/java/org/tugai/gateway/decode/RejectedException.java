package org.tugai.gateway.decode;

/** Thrown inside decoders to abandon one input with a {@link Rejection}. */
public final class RejectedException extends Exception {

  private final transient Rejection rejection;

  public RejectedException(String code, String reason) {
    super(reason, null, false, false);
    this.rejection = new Rejection(code, reason);
  }

  public Rejection rejection() {
    return rejection;
  }
}
