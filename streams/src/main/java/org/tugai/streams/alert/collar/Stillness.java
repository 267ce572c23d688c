package org.tugai.streams.alert.collar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tugai.core.geo.Countries;

/**
 * How long a collar has lain still: the longest run of its newest good fixes that lie, at least the
 * share of them, within the radius of their centre. The run is grown back from the newest fix; a
 * few fixes that break the share (GPS scatter) do not end it, three in a row (the animal was
 * elsewhere) do.
 */
public final class Stillness {

  /**
   * Fixes examined at most: denser tracks are thinned evenly, so one fix costs the same at 1-minute
   * fixes.
   */
  static final int MAX_EXAMINED = 150;

  private static final int MISSES_THAT_END_IT = 3;

  /**
   * @param since the first still fix (inside the radius)
   * @param until the newest still fix: a newer fix outside the radius does not lengthen the
   *     stillness
   * @param fromIndex index in the good fixes of the first fix of the run
   * @param lat centre latitude
   * @param lon centre longitude
   * @param share share of the run's fixes within the radius
   */
  public record Bout(
      Instant since, Instant until, int fromIndex, double lat, double lon, double share) {
    public Duration length() {
      return Duration.between(since, until);
    }
  }

  private Stillness() {}

  public static Optional<Bout> of(
      List<RuleFix> good, double radiusM, double minShare, int minFixes, Duration lookBack) {
    if (good.isEmpty()) {
      return Optional.empty();
    }
    int end = good.size() - 1;
    int first = FixRing.firstAtOrAfter(good, good.get(end).fixTimeMs() - lookBack.toMillis());
    int stride = Math.max(1, (end - first + 1 + MAX_EXAMINED - 1) / MAX_EXAMINED);
    List<Integer> examined = new ArrayList<>();
    double sumLat = 0;
    double sumLon = 0;
    Bout best = null;
    int misses = 0;
    for (int i = end; i >= first; i -= stride) {
      RuleFix f = good.get(i);
      examined.add(i);
      sumLat += f.getLat();
      sumLon += f.getLon();
      int k = examined.size();
      if (k < minFixes) {
        continue;
      }
      double lat = sumLat / k;
      double lon = sumLon / k;
      int within = 0;
      int earliestInside = -1;
      int newestInside = -1;
      for (int j : examined) {
        RuleFix g = good.get(j);
        if (Countries.haversineM(lat, lon, g.getLat(), g.getLon()) <= radiusM) {
          within++;
          earliestInside = j; // examined runs from newest to oldest
          newestInside = newestInside < 0 ? j : newestInside;
        }
      }
      double share = within / (double) k;
      if (share >= minShare) {
        best =
            new Bout(
                good.get(earliestInside).getFixTime(),
                good.get(newestInside).getFixTime(),
                earliestInside,
                lat,
                lon,
                share);
        misses = 0;
      } else if (++misses >= MISSES_THAT_END_IT) {
        break;
      }
    }
    return Optional.ofNullable(best);
  }
}
