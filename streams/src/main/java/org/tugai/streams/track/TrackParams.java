package org.tugai.streams.track;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tugai.avro.Fix;
import org.tugai.schemas.Channels;

/**
 * Thresholds of cleaning and crossing detection, each a config key under {@code streams.} (see the
 * README).
 *
 * @param grace {@code grace}: how late a fix may arrive and still revise flags and crossings
 *     (default 48h)
 * @param graceByChannel {@code grace-by-channel.{channel}}: the same for fixes of one channel, the
 *     part of a fix's {@code source} before its first ':' ({@code iridium-directip}, {@code
 *     import-telonics}, an MQTT source's name): satellite channels deliver late (Argos in batches
 *     hours later, store-on-board data weeks later)
 * @param maxSpeedKmh {@code max-speed-kmh}: fastest plausible movement between fixes, default for
 *     species not listed
 * @param maxSpeedKmhBySpecies {@code max-speed-kmh-by-species.{scientific name}}
 * @param minOutlierDisplacementM {@code min-outlier-displacement-m}: smaller jumps are GPS noise,
 *     never outliers; a jump is first reduced by both fixes' error radius, so an Argos position's
 *     error is never taken for movement
 * @param maxHdop {@code max-hdop}: fixes above it are flagged poor-quality
 * @param minSatellites {@code min-satellites}: fixes below it are flagged poor-quality
 * @param flagTwoD {@code flag-2d}: 2D fixes are flagged poor-quality
 * @param minLocationClass {@code min-location-class}: Argos classes below it (in the order G, 3, 2,
 *     1, 0, A, B, Z) are flagged poor-quality, so they never confirm a crossing; B and Z always are
 * @param maxErrorRadiusM {@code max-error-radius-m}: positions whose error radius exceeds it are
 *     flagged poor-quality
 * @param confirmDistanceM {@code crossing.confirm-distance-m}: a fix this far inside the new
 *     country confirms a crossing
 * @param confirmFixes {@code crossing.confirm-fixes}: or this many consecutive good fixes on the
 *     new side
 * @param confirmDwell {@code crossing.confirm-dwell}: or at least two good fixes this long apart on
 *     the new side
 */
public record TrackParams(
    Duration grace,
    Map<String, Duration> graceByChannel,
    double maxSpeedKmh,
    Map<String, Double> maxSpeedKmhBySpecies,
    double minOutlierDisplacementM,
    double maxHdop,
    int minSatellites,
    boolean flagTwoD,
    String minLocationClass,
    double maxErrorRadiusM,
    double confirmDistanceM,
    int confirmFixes,
    Duration confirmDwell) {

  /** Argos / Kineis location classes, best first; G is a GPS position relayed by Argos. */
  public static final List<String> LOCATION_CLASSES =
      List.of("G", "3", "2", "1", "0", "A", "B", "Z");

  /**
   * B (one or two messages, no error estimate) and Z (failed plausibility checks) never count,
   * whatever is configured.
   */
  private static final int WORST_ACCEPTABLE = LOCATION_CLASSES.indexOf("A");

  public TrackParams {
    if (!LOCATION_CLASSES.subList(0, WORST_ACCEPTABLE + 1).contains(minLocationClass)) {
      throw new IllegalArgumentException(
          "min-location-class '"
              + minLocationClass
              + "' is not one of "
              + LOCATION_CLASSES.subList(0, WORST_ACCEPTABLE + 1));
    }
    graceByChannel = Map.copyOf(graceByChannel);
  }

  public static TrackParams defaults() {
    // 3 km error: as far as the distance that confirms a crossing, so such a position cannot say
    // which side it is on.
    return new TrackParams(
        Duration.ofHours(48),
        Map.of(),
        60,
        Map.of(),
        200,
        5.0,
        4,
        true,
        "A",
        3_000,
        3_000,
        3,
        Duration.ofHours(6));
  }

  public double maxSpeedMps(String species) {
    double kmh =
        species == null ? maxSpeedKmh : maxSpeedKmhBySpecies.getOrDefault(species, maxSpeedKmh);
    return kmh / 3.6;
  }

  /** The grace of the fix's channel. */
  public Duration grace(Fix fix) {
    return graceByChannel.isEmpty()
        ? grace
        : graceByChannel.getOrDefault(Channels.of(fix.getSource()), grace);
  }

  /** The longest grace of any channel: how long a collar's fixes stay revisable in its window. */
  public Duration maxGrace() {
    return graceByChannel.values().stream().reduce(grace, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /**
   * False for an Argos class below the minimum (or not a class at all); true for fixes without one.
   */
  public boolean acceptsLocationClass(String locationClass) {
    if (locationClass == null) {
      return true;
    }
    int rank = LOCATION_CLASSES.indexOf(locationClass.trim().toUpperCase(Locale.ROOT));
    return rank >= 0
        && rank <= LOCATION_CLASSES.indexOf(minLocationClass)
        && rank <= WORST_ACCEPTABLE;
  }
}
