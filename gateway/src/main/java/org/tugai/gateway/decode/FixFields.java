package org.tugai.gateway.decode;

/**
 * Where the fields of a fix are in a JSON object: the native format's names, or a LoRaWAN device
 * profile's mapping of its decoded payload. A null name means the format does not carry that field.
 *
 * @param zeroMeansNoFix the device reports (0, 0) when it has no fix (Dragino trackers do): treat
 *     it as a failed fix
 * @param epochSeconds the fix time may also be a number of seconds since the epoch (common in
 *     LoRaWAN decoders)
 * @param quality where the position's own quality is (Argos location class, error estimates): only
 *     the native format has it
 */
public record FixFields(
    String collarId,
    String fixTime,
    String lat,
    String lon,
    String altitudeM,
    String hdop,
    String pdop,
    String satellites,
    String fixType,
    String temperatureC,
    String batteryV,
    String mortality,
    String activity,
    String sentAt,
    boolean zeroMeansNoFix,
    boolean epochSeconds,
    PositionQuality quality) {

  /** Names of the Argos / error-estimate fields. */
  public record PositionQuality(
      String locationClass,
      String errorRadiusM,
      String errorSemiMajorM,
      String errorSemiMinorM,
      String errorEllipseOrientationDeg) {
    public static final PositionQuality NONE = new PositionQuality(null, null, null, null, null);
  }

  public static final FixFields NATIVE =
      new FixFields(
          "collarId",
          "fixTime",
          "lat",
          "lon",
          "altitudeM",
          "hdop",
          "pdop",
          "satellites",
          "fixType",
          "temperatureC",
          "batteryV",
          "mortality",
          "activity",
          "sentAt",
          false,
          false,
          new PositionQuality(
              "locationClass",
              "errorRadiusM",
              "errorSemiMajorM",
              "errorSemiMinorM",
              "errorEllipseOrientationDeg"));
}
