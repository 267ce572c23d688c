package org.tugai.schemas;

/** The quality flags of a {@code CameraEvent} ({@code qualityFlags}): one home for the words. */
public final class CameraEventFlags {

  /** The image carried no capture time; {@code capturedAt} is when the gateway received it. */
  public static final String NO_CAPTURE_TIME = "no-capture-time";

  /**
   * Brought in from a Camtrap DP package: the project's past data, stored and exported with the
   * live data, but no alert rule acts on it (a person photographed in 2021 is not an intrusion to
   * send rangers to now).
   */
  public static final String IMPORTED = "imported";

  /**
   * Media no one has classified yet (a package's media without observations): not blank, unknown.
   */
  public static final String UNCLASSIFIED = "unclassified";

  private CameraEventFlags() {}
}
