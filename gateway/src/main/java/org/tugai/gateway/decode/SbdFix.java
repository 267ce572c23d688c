package org.tugai.gateway.decode;

import java.time.Instant;

/**
 * One fix as a satellite payload decoder read it, before validation: what a {@link
 * SbdPayloadDecoder} returns. Every field but the position may be null; a null {@code fixTime}
 * means the message's session time.
 *
 * @param fixType {@code 3D}, {@code 2D}, {@code none} (a failed fix: no position) or null (not
 *     reported)
 */
public record SbdFix(
    Instant fixTime,
    Double lat,
    Double lon,
    Double altitudeM,
    Double hdop,
    Double pdop,
    Integer satellites,
    String fixType,
    Double temperatureC,
    Double batteryV,
    Boolean mortality,
    Integer activity) {}
