package org.tugai.core.failure;

/**
 * MQTT 5 reason codes (MQTT 5.0 section 2.4) of a publish, subscribe or connect that failed, as
 * Paho reports them ({@code MqttException.getReasonCode()}): the one place the gateway's MQTT loops
 * ask.
 */
public final class MqttFailures {

  private MqttFailures() {}

  public static Failure classify(int reasonCode) {
    return switch (reasonCode) {
      // Not authorised, bad user name or password, banned, bad authentication method: the ACL or
      // the credentials.
      case 0x87, 0x86, 0x8A, 0x8C, 0x84 -> Failure.SYSTEMIC;
      // Topic name invalid, packet too large, payload format invalid: this message.
      case 0x90, 0x95, 0x99 -> Failure.POISON;
      // Quota exceeded, server busy or unavailable, receive maximum exceeded, connection lost,
      // timeouts, and Paho's client-side codes (32xxx): the broker or the link.
      default -> Failure.RETRIABLE;
    };
  }
}
