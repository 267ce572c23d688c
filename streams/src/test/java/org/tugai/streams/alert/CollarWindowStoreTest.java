package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.Fix;
import org.tugai.streams.store.WindowCache;

/**
 * The collar rules' window is one store entry per fix, held decoded in memory for the collars seen
 * last. Read back from the store for every fix ({@code alerts.cached-fixes} 0) or held, and with a
 * cache too small for all collars, the rules give the same alerts: the store is the truth, the
 * memory only saves decoding.
 */
class CollarWindowStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final String[] COLLARS = {"TJ-BD-101", "TJ-BD-102", "TJ-BD-103"};

  @Test
  void windowsReadFromTheStoreGiveTheSameAlertsAsWindowsHeldInMemory() {
    List<Alert> held = run(Map.of());
    assertThat(held).as("the track raises alerts").isNotEmpty();
    assertThat(run(Map.of("alerts.cached-fixes", "0"))).isEqualTo(held);
    assertThat(run(Map.of("alerts.cached-fixes", "40")))
        .as("a cache smaller than the collars' windows")
        .isEqualTo(held);
  }

  /**
   * Three deer: one lies still for good, one moves with a low battery, one is carried off fast;
   * repeats and late fixes.
   */
  private static List<Alert> run(Map<String, String> settings) {
    try (AlertDriver d = new AlertDriver(settings, T0)) {
      Random random = new Random(5);
      for (String c : COLLARS) {
        d.deployCollar(c, "deer-" + c, T0.minus(Duration.ofDays(1)), 1800);
      }
      List<Fix> sent = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        Instant t = T0.plus(Duration.ofMinutes(30L * i));
        for (int k = 0; k < COLLARS.length; k++) {
          double lat = 37.9 + k * 0.05;
          double lon = 69.2;
          Fix.Builder f = AlertDriver.fix(COLLARS[k], t, lat, lon);
          if (k == 0) {
            f.setLat(lat + random.nextGaussian() * 3e-5)
                .setLon(lon + random.nextGaussian() * 3e-5); // a carcass
          } else if (k == 1) {
            f.setLat(lat + 0.002 * i).setBatteryV(3.9 - 0.01 * i);
          } else {
            f.setLat(
                lat
                    + (i > 60
                        ? 0.05 * (i - 60)
                        : 0.001 * i)); // carried off at 5 km every half hour
          }
          Fix fix = f.build();
          d.pipe(fix);
          sent.add(fix);
          if (random.nextDouble() < 0.05 && sent.size() > 10) {
            d.pipe(
                sent.get(sent.size() - 1 - random.nextInt(10))); // a repeat of a recent fix, late
          }
        }
      }
      return d.records();
    }
  }

  @Test
  void theTasksOfAnInstanceShareOneBudget() {
    WindowCache.Budget budget = new WindowCache.Budget(5);
    WindowCache<List<Fix>> one = new WindowCache<>(budget);
    WindowCache<List<Fix>> other = new WindowCache<>(budget);
    one.put("a", fixes(3), 3, 0);
    other.put("b", fixes(3), 3, 0);
    assertThat(other.get("b", 0)).as("over the instance's budget").isNull();
    assertThat(budget.used()).isEqualTo(3);
    one.clear(); // the task closed or moved
    assertThat(budget.used()).isZero();
    other.put("b", fixes(3), 3, 0);
    assertThat(other.get("b", 0)).hasSize(3);
  }

  @Test
  void collarsInTurnKeepReadingFromMemoryWhatFits() {
    WindowCache<List<Fix>> cache = new WindowCache<>(new WindowCache.Budget(6));
    String[] collars = {"a", "b", "c", "d", "e"};
    int hits = 0;
    long now = 0;
    for (int round = 0; round < 10; round++) {
      for (String c : collars) {
        now += 1000;
        if (cache.get(c, now) != null) {
          hits++;
        }
        cache.put(c, fixes(2), 2, now);
      }
    }
    // Least recently used out first, each window would be dropped just before its collar's next
    // fix: no hit at all.
    assertThat(hits)
        .as("three windows fit, read from memory from the second round on")
        .isEqualTo(27);
    assertThat(cache.size()).isEqualTo(6);
  }

  @Test
  void idleWindowsMakeRoomAndAWindowThatOutgrowsTheBudgetIsDropped() {
    WindowCache.Budget budget = new WindowCache.Budget(4);
    WindowCache<List<Fix>> cache = new WindowCache<>(budget);
    cache.put("a", fixes(2), 2, 0);
    cache.put("b", fixes(2), 2, 0);
    cache.put("c", fixes(2), 2, 1000);
    assertThat(cache.get("c", 1000)).as("a and b are in use").isNull();
    long later = WindowCache.IDLE.toMillis() + 1000;
    cache.get("b", later - 1);
    cache.put("c", fixes(2), 2, later);
    assertThat(cache.get("a", later)).as("idle").isNull();
    assertThat(cache.get("b", later)).hasSize(2);
    assertThat(cache.get("c", later)).hasSize(2);
    cache.put("c", fixes(3), 3, later);
    assertThat(cache.get("c", later)).as("grown past the budget").isNull();
    assertThat(budget.used()).isEqualTo(2);
  }

  private static List<Fix> fixes(int n) {
    Fix f = AlertDriver.fix("C", T0, 37.9, 69.2).build();
    List<Fix> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(f);
    }
    return out;
  }
}
