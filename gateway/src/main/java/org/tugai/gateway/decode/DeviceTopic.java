package org.tugai.gateway.decode;

import java.util.Optional;

/**
 * The device topics the gateway decodes ({@link org.tugai.schemas.MqttTopics}), and the device id
 * each names: native {@code tugai/v1/collars/{collarId}/fixes} and {@code
 * tugai/v1/cameras/{cameraId}/detections}, MegaDetector batches on {@code
 * tugai/v1/cameras/{cameraId}/megadetector}, The Things Stack v3 {@code
 * v3/{app}[@{tenant}]/devices/{deviceId}/up}, ChirpStack v4 {@code
 * application/{id}/device/{devEui}/event/up}, and rangers' acknowledgements on {@code
 * tugai/v1/acks/{channel}/{user}/{alertId}} (the "device id" is then the alert id). The broker's
 * ACL lets a ranger write only under their own zones and their own user name, so the channel and
 * the user of an acknowledgement are what the broker authenticated, not what the payload claims.
 *
 * @param channel the alert channel of an acknowledgement, else null
 * @param user the acknowledging MQTT user, else null
 */
public record DeviceTopic(Kind kind, String deviceId, String channel, String user) {

  public enum Kind {
    COLLAR_FIXES,
    CAMERA_DETECTIONS,
    MEGADETECTOR_BATCH,
    TTN_UPLINK,
    CHIRPSTACK_UPLINK,
    ALERT_ACK
  }

  public DeviceTopic(Kind kind, String deviceId) {
    this(kind, deviceId, null, null);
  }

  public static Optional<DeviceTopic> parse(String topic) {
    String[] parts = topic.split("/", -1);
    if (parts.length == 6
        && parts[0].equals("tugai")
        && parts[1].equals("v1")
        && parts[2].equals("acks")
        && !parts[3].isEmpty()
        && !parts[4].isEmpty()
        && !parts[5].isEmpty()) {
      return Optional.of(new DeviceTopic(Kind.ALERT_ACK, parts[5], parts[3], parts[4]));
    }
    if (parts.length == 5
        && parts[0].equals("v3")
        && parts[2].equals("devices")
        && parts[4].equals("up")
        && !parts[3].isEmpty()) {
      return Optional.of(new DeviceTopic(Kind.TTN_UPLINK, parts[3]));
    }
    if (parts.length == 6
        && parts[0].equals("application")
        && parts[2].equals("device")
        && parts[4].equals("event")
        && parts[5].equals("up")
        && !parts[3].isEmpty()) {
      return Optional.of(new DeviceTopic(Kind.CHIRPSTACK_UPLINK, parts[3]));
    }
    if (parts.length != 5
        || !parts[0].equals("tugai")
        || !parts[1].equals("v1")
        || parts[3].isEmpty()) {
      return Optional.empty();
    }
    if (parts[2].equals("collars") && parts[4].equals("fixes")) {
      return Optional.of(new DeviceTopic(Kind.COLLAR_FIXES, parts[3]));
    }
    if (parts[2].equals("cameras") && parts[4].equals("detections")) {
      return Optional.of(new DeviceTopic(Kind.CAMERA_DETECTIONS, parts[3]));
    }
    if (parts[2].equals("cameras") && parts[4].equals("megadetector")) {
      return Optional.of(new DeviceTopic(Kind.MEGADETECTOR_BATCH, parts[3]));
    }
    return Optional.empty();
  }
}
