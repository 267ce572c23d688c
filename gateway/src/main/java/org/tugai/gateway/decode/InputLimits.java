package org.tugai.gateway.decode;

import java.util.regex.Pattern;

/**
 * The limits every device format is held to, in one place, so a field refused on one topic family
 * is refused on all of them (README "Input limits" lists them). Payload size itself is {@code
 * gateway.max-payload-bytes}.
 */
public final class InputLimits {

  private InputLimits() {}

  /**
   * Device, camera, event and alert ids: they become MQTT topic segments, Kafka keys and database
   * keys.
   */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  public static final int MAX_ID = 128;

  /** Short names: model, species label, fix type, user, channel, radio gateway id. */
  public static final int MAX_NAME = 128;

  /** Media file names and paths. */
  public static final int MAX_MEDIA_NAME = 1_024;

  /** Free text (a ranger's note). */
  public static final int MAX_TEXT = 2_000;

  /** Fixes in one native batch, images in one MegaDetector batch. */
  public static final int MAX_BATCH = 1_000;

  /** Detections of one camera event or one image. */
  public static final int MAX_DETECTIONS = 200;

  /** Media files of one camera event. */
  public static final int MAX_MEDIA = 100;

  /** LoRaWAN receptions (rx_metadata, rxInfo) of one uplink. */
  public static final int MAX_RECEPTIONS = 256;

  /**
   * The reason {@code value} is not a valid id, or null. Control characters are escaped so the
   * reason is storable.
   */
  public static String idProblem(String what, String value) {
    if (value == null || value.isEmpty()) {
      return what + " is empty";
    }
    if (!ID.matcher(value).matches()) {
      return what
          + " '"
          + JsonFields.abbreviate(value)
          + "' is not a valid id (letters, digits, '.', '_', ':', '-'; at most "
          + MAX_ID
          + ")";
    }
    return null;
  }
}
