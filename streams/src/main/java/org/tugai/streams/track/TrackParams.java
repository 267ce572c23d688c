package org.tugai.streams.track;

import java.time.Duration;
import java.util.Map;

/**
 * Thresholds of cleaning and crossing detection, each a config key under {@code streams.} (see the README).
 *
 * @param grace {@code grace}: how late a fix may arrive and still revise flags and crossings (default 48h)
 * @param maxSpeedKmh {@code max-speed-kmh}: fastest plausible movement between fixes, default for species not listed
 * @param maxSpeedKmhBySpecies {@code max-speed-kmh-by-species.{scientific name}}
 * @param minOutlierDisplacementM {@code min-outlier-displacement-m}: smaller jumps are GPS noise, never outliers
 * @param maxHdop {@code max-hdop}: fixes above it are flagged poor-quality
 * @param minSatellites {@code min-satellites}: fixes below it are flagged poor-quality
 * @param flagTwoD {@code flag-2d}: 2D fixes are flagged poor-quality
 * @param confirmDistanceM {@code crossing.confirm-distance-m}: a fix this far inside the new country confirms a crossing
 * @param confirmFixes {@code crossing.confirm-fixes}: or this many consecutive good fixes on the new side
 * @param confirmDwell {@code crossing.confirm-dwell}: or at least two good fixes this long apart on the new side
 */
public record TrackParams(Duration grace, double maxSpeedKmh, Map<String, Double> maxSpeedKmhBySpecies, double minOutlierDisplacementM,
    double maxHdop, int minSatellites, boolean flagTwoD, double confirmDistanceM, int confirmFixes, Duration confirmDwell) {

  public static TrackParams defaults() {
    return new TrackParams(Duration.ofHours(48), 60, Map.of(), 200, 5.0, 4, true, 3_000, 3, Duration.ofHours(6));
  }

  public double maxSpeedMps(String species) {
    double kmh = species == null ? maxSpeedKmh : maxSpeedKmhBySpecies.getOrDefault(species, maxSpeedKmh);
    return kmh / 3.6;
  }
}
