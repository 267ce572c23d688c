package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.schemas.ReasonCodes;

/** Reads and validates one fix from a JSON object whose field names a {@link FixFields} gives. */
final class FixReader {

  private final TimeWindow window;

  FixReader(TimeWindow window) {
    this.window = window;
  }

  /**
   * @param fallbackTime the fix time when the payload carries none (a LoRaWAN uplink's receive
   *     time); null if required
   */
  Fix.Builder read(JsonNode node, FixFields names, String topicDeviceId, Instant fallbackTime)
      throws RejectedException {
    if (!node.isObject()) {
      throw new RejectedException(
          ReasonCodes.NOT_AN_OBJECT,
          "a fix must be a JSON object, not " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    JsonFields f = new JsonFields(node);
    String collarId = topicDeviceId;
    if (names.collarId() != null) {
      collarId = f.id(names.collarId());
      if (!collarId.equals(topicDeviceId)) {
        throw new RejectedException(
            ReasonCodes.DEVICE_MISMATCH,
            names.collarId()
                + " '"
                + collarId
                + "' in the payload differs from '"
                + topicDeviceId
                + "' in the topic");
      }
    }
    // Millisecond precision, as stored: the natural key must be the same before and after encoding.
    Instant fixTime =
        (fallbackTime != null && !f.has(names.fixTime()) ? fallbackTime : time(f, names))
            .truncatedTo(ChronoUnit.MILLIS);
    window.check("fixTime", fixTime);
    Instant deviceTime = names.sentAt() == null ? null : f.optionalTime(names.sentAt());

    boolean hasLat = f.has(names.lat());
    boolean hasLon = f.has(names.lon());
    if (hasLat != hasLon) {
      String missing = hasLat ? names.lon() : names.lat();
      String given = hasLat ? names.lat() : names.lon();
      throw new RejectedException(
          ReasonCodes.INCONSISTENT, missing + " is missing while " + given + " is given");
    }
    Double lat = f.optionalNumber(names.lat(), -90, 90);
    Double lon = f.optionalNumber(names.lon(), -180, 180);
    boolean zero = lat != null && lat == 0.0 && lon == 0.0;
    if (zero && names.zeroMeansNoFix()) {
      lat = null;
      lon = null;
    }
    FixType type = fixType(f, names, lat != null);
    if (type == FixType.NONE && lat != null) {
      throw new RejectedException(
          ReasonCodes.INCONSISTENT, "fixType none (a failed fix) must not carry a position");
    }
    if (lat == null && type != FixType.NONE) {
      throw new RejectedException(
          ReasonCodes.MISSING_FIELD,
          names.lat()
              + " / "
              + names.lon()
              + " are missing; a failed fix says \"fixType\": \"none\"");
    }
    if (zero && !names.zeroMeansNoFix()) {
      throw new RejectedException(
          ReasonCodes.NULL_ISLAND, "position is exactly (0, 0): the receiver reported no real fix");
    }
    return Fix.newBuilder()
        .setCollarId(collarId)
        .setFixTime(fixTime)
        .setLat(lat)
        .setLon(lon)
        .setAltitudeM(f.optionalNumber(names.altitudeM(), -1_000, 10_000))
        .setHdop(f.optionalNumber(names.hdop(), 0, 100))
        .setPdop(f.optionalNumber(names.pdop(), 0, 100))
        .setSatellites(f.optionalInt(names.satellites(), 0, 128))
        .setFixType(type)
        .setTemperatureC(f.optionalNumber(names.temperatureC(), -80, 100))
        .setBatteryV(f.optionalNumber(names.batteryV(), 0, 60))
        .setMortality(f.optionalBoolean(names.mortality()))
        .setActivity(f.optionalInt(names.activity(), 0, Integer.MAX_VALUE))
        .setDeviceTime(deviceTime)
        .setLocationClass(locationClass(f, names.quality().locationClass()))
        .setErrorRadiusM(f.optionalNumber(names.quality().errorRadiusM(), 0, 10_000_000))
        .setErrorSemiMajorM(f.optionalNumber(names.quality().errorSemiMajorM(), 0, 10_000_000))
        .setErrorSemiMinorM(f.optionalNumber(names.quality().errorSemiMinorM(), 0, 10_000_000))
        .setErrorEllipseOrientationDeg(
            f.optionalNumber(names.quality().errorEllipseOrientationDeg(), 0, 360));
  }

  /**
   * Argos / Kineis classes as the services write them; anything else would be a class no rule
   * knows.
   */
  private static final Set<String> LOCATION_CLASSES =
      java.util.Set.of("G", "3", "2", "1", "0", "A", "B", "Z");

  private static String locationClass(JsonFields f, String field) throws RejectedException {
    if (field == null || !f.has(field)) {
      return null;
    }
    String text =
        f.isNumber(field)
            ? String.valueOf((int) f.requiredNumber(field, 0, 3))
            : f.optionalText(field, 2);
    String upper = text == null ? null : text.trim().toUpperCase(Locale.ROOT);
    if (upper != null && !LOCATION_CLASSES.contains(upper)) {
      throw new RejectedException(
          ReasonCodes.OUT_OF_RANGE,
          field + " '" + upper + "' is not an Argos location class (G, 3, 2, 1, 0, A, B, Z)");
    }
    return upper;
  }

  /** ISO-8601 text, or a number of seconds since the epoch (what LoRaWAN decoders usually emit). */
  private static Instant time(JsonFields f, FixFields names) throws RejectedException {
    String field = names.fixTime();
    if (names.epochSeconds() && f.isNumber(field)) {
      double seconds = f.requiredNumber(field, 0, 4_102_444_800d);
      return Instant.ofEpochMilli(Math.round(seconds * 1000));
    }
    return f.requiredTime(field);
  }

  private static FixType fixType(JsonFields f, FixFields names, boolean hasPosition)
      throws RejectedException {
    String text = names.fixType() == null ? null : f.optionalText(names.fixType(), 16);
    if (text == null) {
      return hasPosition ? FixType.UNKNOWN : FixType.NONE;
    }
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "3d" -> FixType.THREE_D;
      case "2d" -> FixType.TWO_D;
      case "none", "no-fix", "nofix" -> FixType.NONE;
      default ->
          throw new RejectedException(
              ReasonCodes.OUT_OF_RANGE,
              names.fixType() + " '" + text + "' is not one of 3D, 2D, none");
    };
  }
}
