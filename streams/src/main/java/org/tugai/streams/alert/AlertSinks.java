package org.tugai.streams.alert;

/** Names of the nodes the alert rules forward to. */
public final class AlertSinks {

  /** Alert updates, keyed by alert id, on their way to the lifecycle. */
  public static final String UPDATES = "alert-updates-out";

  /** Latest good fix per collar. */
  public static final String POSITIONS = "positions-out";

  /** Alerts after the lifecycle: what rangers get. */
  public static final String ALERTS = "alerts-out";

  /** Acknowledgements that name no known alert. */
  public static final String DEAD_LETTERS = "alert-dead-letters-out";

  private AlertSinks() {}
}
