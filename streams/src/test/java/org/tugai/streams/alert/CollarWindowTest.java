package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tugai.streams.alert.AlertDriver.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.core.geo.Countries;
import org.tugai.schemas.FixFlags;
import org.tugai.streams.alert.collar.CollarRules;
import org.tugai.streams.alert.collar.CollarWindow;
import org.tugai.streams.alert.collar.RuleFix;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.track.TrackParams;

/**
 * The collar window kept fix by fix against the window rebuilt from scratch for every fix (the way
 * it was kept before: copy, place, trim), on random orders of the same fixes: in order, late within
 * the window, too late for it, repeated and revised. The rules must decide the same on both.
 */
class CollarWindowTest {

  static final String COLLAR = "TJ-BD-030";
  static final Instant T0 = Instant.parse("2026-05-01T00:00:00Z");
  static final Duration KEEP = Duration.ofHours(24);

  /** A reserve, the farmland next to it, a hazard zone, and nowhere in particular. */
  static final List<List<String>> ZONES =
      List.of(
          List.of("pa-beshai-palangon"),
          List.of("farm-vakhsh"),
          List.of("hazard-termez-bridge"),
          List.of());

  /** The reference: the window as a new list for every fix. */
  static List<RuleFix> with(List<RuleFix> fixes, RuleFix fix, Duration keep) {
    List<RuleFix> window = new ArrayList<>(fixes);
    window.removeIf(f -> f.fixTimeMs() == fix.fixTimeMs());
    int at = window.size();
    while (at > 0 && window.get(at - 1).fixTimeMs() > fix.fixTimeMs()) {
      at--;
    }
    window.add(at, fix);
    long horizon = window.get(window.size() - 1).fixTimeMs() - keep.toMillis();
    window.removeIf(f -> f.fixTimeMs() < horizon);
    return window;
  }

  @Test
  void keptFixByFixItIsTheWindowRebuiltForEveryFix() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      CollarWindow window = CollarWindow.of(List.of());
      List<RuleFix> reference = List.of();
      for (Fix f : fixes(random, 600)) {
        RuleFix added = RuleFix.of(f, window.newest());
        List<RuleFix> before = reference;
        reference = with(reference, added, KEEP);
        List<RuleFix> left = window.add(added, KEEP);

        assertThat(times(window.fixes())).as("seed %d", seed).isEqualTo(times(reference));
        assertThat(times(window.good()))
            .isEqualTo(times(reference.stream().filter(RuleFix::good).toList()));
        Set<Long> gone = new TreeSet<>(times(before));
        gone.add(added.fixTimeMs());
        gone.removeAll(times(reference));
        assertThat(new TreeSet<>(times(left))).as("the fixes that left").isEqualTo(gone);
        assertThat(window.newestBattery()).isSameAs(newest(reference, RuleFix::hasBattery));
        RuleFix mortality = newest(reference, r -> r.getMortality() != null);
        assertThat(window.newestMortalityIndex())
            .isEqualTo(mortality == null ? -1 : reference.indexOf(mortality));
      }
    }
  }

  @Test
  void theRulesDecideTheSameOnTheWindowKeptAndTheWindowRebuilt() {
    CollarRules rules =
        new CollarRules(
            AlertsConfig.from(Settings.of(Map.of())),
            TrackParams.defaults(),
            Geodata.load(Countries.SHIPPED, List.of(Geodata.SHIPPED_ZONES)));
    for (long seed = 1; seed <= 10; seed++) {
      Random random = new Random(seed);
      CollarWindow kept = CollarWindow.of(List.of());
      Map<String, Alert> open = new HashMap<>();
      int updates = 0;
      for (Fix f : fixes(random, 800)) {
        RuleFix added = RuleFix.of(f, kept.newest());
        kept.add(added, KEEP);
        CollarWindow rebuilt = CollarWindow.of(new ArrayList<>(kept.fixes()));
        Instant now = f.getReceivedAt();
        CollarRules.Result a = rules.evaluate(COLLAR, null, kept, open, now);
        CollarRules.Result b = rules.evaluate(COLLAR, null, rebuilt, open, now);
        assertThat(a).as("seed %d at %s", seed, f.getFixTime()).isEqualTo(b);
        updates += a.updates().size();
        open = new HashMap<>(a.open());
      }
      assertThat(updates).as("the fixes raise and resolve incidents").isPositive();
    }
  }

  /**
   * A collar's fixes, mostly in order: now and then one late within the window, one too late for
   * it, a repeat or a revision; good and bad positions, mortality and battery readings on some.
   */
  private static List<Fix> fixes(Random random, int n) {
    List<Fix> out = new ArrayList<>();
    Instant t = T0;
    double lat = 37.40;
    double lon = 68.45;
    List<String> zones = ZONES.get(0);
    for (int i = 0; i < n; i++) {
      double r = random.nextDouble();
      Instant time;
      if (r < 0.08 && !out.isEmpty()) {
        time = t.minus(Duration.ofMinutes(15L * (1 + random.nextInt(60)))); // late, in the window
      } else if (r < 0.10) {
        time = t.minus(Duration.ofHours(30 + random.nextInt(10))); // older than the window
      } else if (r < 0.16 && !out.isEmpty()) {
        time = out.get(out.size() - 1 - random.nextInt(Math.min(5, out.size()))).getFixTime();
      } else {
        t =
            t.plus(
                Duration.ofMinutes(15L * (1 + random.nextInt(random.nextDouble() < 0.1 ? 20 : 2))));
        time = t;
      }
      if (random.nextDouble() < 0.3) {
        lat += (random.nextDouble() - 0.5) * 0.02; // moving; otherwise resting, or a carcass
        lon += (random.nextDouble() - 0.5) * 0.02;
      }
      Fix.Builder f =
          fix(
              COLLAR,
              time,
              lat + random.nextGaussian() * 0.00004,
              lon + random.nextGaussian() * 0.00005);
      if (random.nextDouble() < 0.03) {
        zones = ZONES.get(random.nextInt(ZONES.size())); // wandered into another zone
      }
      f.setZones(zones);
      if (random.nextDouble() < 0.1) {
        f.setQualityFlags(List.of(FixFlags.POOR_QUALITY));
      }
      // Readings come and go for days at a time (a sensor that fails, a firmware that stops
      // sending it), so the newest reading also leaves the window.
      if ((i / 250) % 2 == 0 && random.nextDouble() < 0.2) {
        f.setMortality(random.nextDouble() < 0.4);
      }
      if ((i / 150) % 2 == 0 && random.nextDouble() < 0.3) {
        f.setBatteryV(3.2 + random.nextDouble() * 0.5);
      }
      out.add(f.build());
    }
    return out;
  }

  private static List<Long> times(List<RuleFix> fixes) {
    return fixes.stream().map(RuleFix::fixTimeMs).toList();
  }

  private static RuleFix newest(
      List<RuleFix> fixes, java.util.function.Predicate<RuleFix> reading) {
    for (int i = fixes.size() - 1; i >= 0; i--) {
      if (reading.test(fixes.get(i))) {
        return fixes.get(i);
      }
    }
    return null;
  }
}
