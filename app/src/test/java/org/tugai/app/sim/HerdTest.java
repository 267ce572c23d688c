package org.tugai.app.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tugai.core.geo.Countries;

class HerdTest {

  static final Countries COUNTRIES = Countries.load(Countries.SHIPPED);

  @Test
  void borderStretchesSpanTwoCountriesAndTheVakhshStaysInTajikistan() {
    assertThat(countriesOf(Herd.PANJ)).containsExactlyInAnyOrder("TJK", "AFG");
    assertThat(countriesOf(Herd.ZARAFSHON)).containsExactlyInAnyOrder("TJK", "UZB");
    assertThat(countriesOf(Herd.VAKHSH)).containsExactly("TJK");
    assertThat(countriesOf(Herd.ZARAFSHON_UZ)).containsExactly("UZB");
  }

  @Test
  void overThreeDaysDeerKeepToTheirRiverAndSomeCrossTheBorder() {
    Herd herd = new Herd("T", 12, 7);
    Map<String, Set<String>> visited = new HashMap<>();
    Instant t = Instant.parse("2026-05-01T00:00:00Z");
    for (int round = 0; round < 3 * 96; round++) {
      t = t.plusSeconds(900);
      for (Herd.Deer d : herd.deer()) {
        herd.step(d, t, 15);
        assertThat(distanceToRiverM(d)).as(d.collarId()).isLessThan(600);
        COUNTRIES
            .countryAt(d.lat(), d.lon())
            .ifPresent(c -> visited.computeIfAbsent(d.collarId(), k -> new HashSet<>()).add(c));
      }
    }
    long crossers = visited.values().stream().filter(s -> s.size() > 1).count();
    assertThat(crossers).isBetween(2L, 8L);
  }

  @Test
  void deerAreActiveAtDawnAndDuskAndLieUpAtMidday() {
    // 68.3 E is UTC+4.55 in solar time: 06:30 local is about 01:57 UTC, 13:00 local about 08:27
    // UTC.
    double dawn = Herd.activity(Instant.parse("2026-05-01T01:57:00Z"), 68.3);
    double midday = Herd.activity(Instant.parse("2026-05-01T08:27:00Z"), 68.3);
    double dusk = Herd.activity(Instant.parse("2026-05-01T14:27:00Z"), 68.3);
    assertThat(dawn).isGreaterThan(0.9);
    assertThat(dusk).isGreaterThan(0.9);
    assertThat(midday).isLessThan(0.15);
  }

  @Test
  void aDeadDeerNoLongerMoves() {
    Herd herd = new Herd("T", 1, 3);
    Herd.Deer d = herd.deer().get(0);
    herd.kill(d);
    double lat = d.lat();
    double lon = d.lon();
    herd.step(d, Instant.parse("2026-05-01T02:00:00Z"), 120);
    assertThat(d.lat()).isEqualTo(lat);
    assertThat(d.lon()).isEqualTo(lon);
    assertThat(d.dead()).isTrue();
  }

  private static Set<String> countriesOf(Herd.Stretch s) {
    Set<String> out = new HashSet<>();
    for (double[] w : s.waypoints()) {
      COUNTRIES.countryAt(w[0], w[1]).ifPresent(out::add);
    }
    return out;
  }

  private static double distanceToRiverM(Herd.Deer d) {
    double best = Double.MAX_VALUE;
    double[][] w = d.stretch.waypoints();
    for (int i = 1; i < w.length; i++) {
      for (int k = 0; k <= 100; k++) {
        double f = k / 100.0;
        best =
            Math.min(
                best,
                Countries.haversineM(
                    d.lat(),
                    d.lon(),
                    w[i - 1][0] + (w[i][0] - w[i - 1][0]) * f,
                    w[i - 1][1] + (w[i][1] - w[i - 1][1]) * f));
      }
    }
    return best;
  }
}
