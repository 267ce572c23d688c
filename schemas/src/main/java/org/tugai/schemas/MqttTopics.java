package org.tugai.schemas;

/**
 * The MQTT topics of Tugai's device and ranger contract (docs/devices.md, README's alert sections):
 * one home for their names and the filters that match them. Vendor topics (The Things Stack,
 * ChirpStack) are the vendors' and are read where they are decoded.
 */
public final class MqttTopics {

  private static final String ROOT = "tugai/v1/";

  /** Where a collar publishes its fixes. */
  public static String collarFixes(String collarId) {
    return ROOT + "collars/" + collarId + "/fixes";
  }

  /** Where a camera trap publishes its detections. */
  public static String cameraDetections(String cameraId) {
    return ROOT + "cameras/" + cameraId + "/detections";
  }

  /** Where a camera's MegaDetector batch output is published. */
  public static String megaDetector(String cameraId) {
    return ROOT + "cameras/" + cameraId + "/megadetector";
  }

  /** Where the alerts of a channel (a zone, a country, {@code unrouted}) go out to rangers. */
  public static String alerts(String channel) {
    return ROOT + "alerts/" + channel;
  }

  /**
   * The topic a ranger publishes an acknowledgement of {@code alertId} on, given on {@code channel}
   * as {@code user}.
   */
  public static String ack(String channel, String user, String alertId) {
    return ROOT + "acks/" + channel + "/" + user + "/" + alertId;
  }

  public static final String COLLAR_FIXES = collarFixes("+");
  public static final String CAMERA_DETECTIONS = cameraDetections("+");
  public static final String MEGADETECTOR = megaDetector("+");

  /** Every channel's alerts. */
  public static final String ALERTS = alerts("+");

  /** The filter the gateway subscribes to for acknowledgements: channel, user, alert id. */
  public static final String ACKS = ack("+", "+", "+");

  private MqttTopics() {}
}
