package org.tugai.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.tugai.avro.Alert;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.Settings;
import org.tugai.core.geo.Countries;
import org.tugai.streams.alert.AlertsConfig;
import org.tugai.streams.alert.collar.CollarRules;
import org.tugai.streams.alert.collar.CollarRulesProcessor;
import org.tugai.streams.alert.collar.CollarWindow;
import org.tugai.streams.alert.collar.RuleFix;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.track.TrackParams;

/**
 * The collar rules' cost per fix by rule window ({@code alerts.window}) and fix interval: the
 * window kept fix by fix and every rule evaluated, as the processor does (without its store, which
 * writes one entry per fix whatever the window). The deer rests and walks in turn, half of the time
 * in farmland, so the stillness and geofence rules do their work. The cost must not grow with the
 * window.
 */
final class RulesCostByWindow {

  private RulesCostByWindow() {}

  static void print(int fixes) {
    System.out.printf(
        Locale.ROOT,
        "cost of a fix by window (the collar rules alone, window kept in memory; %,d fixes each)%n",
        fixes);
    System.out.printf(
        Locale.ROOT,
        "%-10s %-10s %15s %14s%n",
        "window",
        "interval",
        "fixes in window",
        "µs per fix");
    Geodata geo = Geodata.load(Countries.SHIPPED, List.of(Geodata.SHIPPED_ZONES));
    List<Duration[]> configs = new ArrayList<>();
    // Every window twice, the first round not printed: the JIT's warm-up would be the first
    // window's cost.
    for (int round = 0; round < 2; round++) {
      for (Duration window :
          List.of(Duration.ofHours(6), Duration.ofHours(48), Duration.ofDays(7))) {
        for (Duration interval : List.of(Duration.ofMinutes(15), Duration.ofMinutes(1))) {
          configs.add(new Duration[] {window, interval});
        }
      }
    }
    int warmUp = configs.size() / 2;
    // Per interval: a 1-minute collar's rest has more fixes for the stillness rule to look at
    // (up to its 150), at every window.
    Map<Duration, double[]> range = new LinkedHashMap<>();
    for (int run = 0; run < configs.size(); run++) {
      Duration window = configs.get(run)[0];
      Duration interval = configs.get(run)[1];
      AlertsConfig config =
          AlertsConfig.from(Settings.of(Map.of("alerts.window", window.toHours() + "h")));
      CollarRules rules = new CollarRules(config, TrackParams.defaults(), geo);
      Duration keep = CollarRulesProcessor.keep(config);
      CollarWindow w = CollarWindow.of(List.of());
      Map<String, Alert> open = Map.of();
      Random random = new Random(11);
      Instant start = Instant.parse("2026-01-01T00:00:00Z");
      double lat = 37.40;
      double lon = 68.45;
      long timed = 0;
      int maxHeld = 0;
      for (int i = 0; i < fixes; i++) {
        Instant t = start.plus(interval.multipliedBy(i));
        long hour = Duration.between(start, t).toHours();
        boolean resting = hour % 12 < 6;
        if (!resting) {
          lat += (random.nextDouble() - 0.5) * 0.002;
          lon += (random.nextDouble() - 0.5) * 0.002;
        }
        Fix f =
            Fix.newBuilder()
                .setCollarId("RULES-1")
                .setFixTime(t)
                .setLat(lat + random.nextGaussian() * 0.00004)
                .setLon(lon + random.nextGaussian() * 0.00005)
                .setFixType(FixType.THREE_D)
                .setHdop(1.1)
                .setSatellites(8)
                .setBatteryV(3.7)
                .setZones(
                    (hour / 24) % 2 == 0 ? List.of("farm-vakhsh") : List.of("pa-beshai-palangon"))
                .setReceivedAt(t)
                .setSource("bench")
                .build();
        long t0 = System.nanoTime();
        w.add(RuleFix.of(f, w.newest()), keep);
        open = rules.evaluate("RULES-1", "Cervus elaphus bactrianus", w, open, t).open();
        if (i >= fixes / 2) {
          timed += System.nanoTime() - t0;
        }
        maxHeld = Math.max(maxHeld, w.size());
      }
      double micros = timed / 1e3 / (fixes - fixes / 2);
      if (run < warmUp) {
        continue;
      }
      double[] r = range.computeIfAbsent(interval, x -> new double[] {Double.MAX_VALUE, 0});
      r[0] = Math.min(r[0], micros);
      r[1] = Math.max(r[1], micros);
      System.out.printf(
          Locale.ROOT,
          "%-10s %-10s %,15d %14.1f%n",
          window.toHours() + " h",
          interval.toMinutes() + " min",
          maxHeld,
          micros);
    }
    range.forEach(
        (interval, r) ->
            System.out.printf(
                Locale.ROOT,
                "fixes every %d min: largest / smallest over the windows = %.2f (goal: at most 1.5)%n",
                interval.toMinutes(),
                r[1] / r[0]));
    System.out.println();
  }
}
