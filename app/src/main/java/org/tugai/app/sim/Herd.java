package org.tugai.app.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Collared Bukhara deer moving plausibly in tugai forest: each deer lives along a stretch of river
 * (a polyline of waypoints on the Vakhsh, the Panj or the Zarafshon), wanders up and down it and
 * keeps close to the water, is active at dawn and dusk and lies up at midday. Stretches that span
 * the Panj or the Zarafshon border make some deer cross it. Deterministic for a seed.
 */
public final class Herd {

  /** A stretch of river: waypoints as {lat, lon}, the population unit and the zone it lies in. */
  record Stretch(String name, String population, double[][] waypoints) {}

  static final Stretch VAKHSH =
      new Stretch(
          "Vakhsh, Beshai Palangon",
          "Tj1",
          new double[][] {
            {37.40, 68.33}, {37.33, 68.35}, {37.26, 68.36}, {37.19, 68.38}, {37.14, 68.39}
          });
  // The Panj is the Tajik-Afghan border here: deer on this stretch wade across it.
  static final Stretch PANJ =
      new Stretch(
          "Panj at the Vakhsh mouth",
          "Tj1",
          new double[][] {
            {37.20, 68.28}, {37.15, 68.32}, {37.12, 68.36}, {37.08, 68.40}, {37.06, 68.45}
          });
  // The Zarafshon leaves Tajikistan near 67.5 E: this stretch runs from the Tajik reserve into
  // Uzbekistan.
  static final Stretch ZARAFSHON =
      new Stretch(
          "Zarafshon at the border",
          "Tj5",
          new double[][] {
            {39.52, 67.75}, {39.50, 67.62}, {39.49, 67.52}, {39.50, 67.44}, {39.52, 67.36}
          });
  static final Stretch ZARAFSHON_UZ =
      new Stretch(
          "Zarafshon National Nature Park",
          "Uz4",
          new double[][] {{39.66, 66.95}, {39.68, 67.02}, {39.70, 67.10}, {39.72, 67.16}});

  /** One animal: where it is on its stretch (0..1), which way it walks, and its state. */
  public static final class Deer {
    final String collarId;
    final String animalId;
    final String sex;
    final Stretch stretch;
    double along;
    int direction;
    double offsetM;
    double lat;
    double lon;
    double batteryV;
    boolean dead;

    Deer(
        String collarId,
        String animalId,
        String sex,
        Stretch stretch,
        double along,
        Random random) {
      this.collarId = collarId;
      this.animalId = animalId;
      this.sex = sex;
      this.stretch = stretch;
      this.along = along;
      this.direction = random.nextBoolean() ? 1 : -1;
      this.batteryV = 3.65 + random.nextDouble() * 0.15;
      place(random);
    }

    public String collarId() {
      return collarId;
    }

    public String animalId() {
      return animalId;
    }

    public String sex() {
      return sex;
    }

    public String population() {
      return stretch.population();
    }

    public double lat() {
      return lat;
    }

    public double lon() {
      return lon;
    }

    public double batteryV() {
      return batteryV;
    }

    public boolean dead() {
      return dead;
    }

    void place(Random random) {
      double[][] w = stretch.waypoints();
      double pos = along * (w.length - 1);
      int i = Math.min((int) pos, w.length - 2);
      double f = pos - i;
      double baseLat = w[i][0] + (w[i + 1][0] - w[i][0]) * f;
      double baseLon = w[i][1] + (w[i + 1][1] - w[i][1]) * f;
      // Perpendicular to the river, within the tugai belt (a few hundred metres either side).
      double dLat = w[i + 1][0] - w[i][0];
      double dLon = (w[i + 1][1] - w[i][1]) * Math.cos(Math.toRadians(baseLat));
      double norm = Math.hypot(dLat, dLon);
      offsetM = Math.max(-400, Math.min(400, offsetM + random.nextGaussian() * 40));
      lat = baseLat + (-dLon / norm) * offsetM / 111_320.0;
      lon = baseLon + (dLat / norm) * offsetM / (111_320.0 * Math.cos(Math.toRadians(baseLat)));
    }
  }

  private final List<Deer> deer = new ArrayList<>();
  private final Random random;

  /** {@code count} deer spread over the stretches; collar ids {@code prefix}-001, -002, ... */
  public Herd(String prefix, int count, long seed) {
    random = new Random(seed);
    Stretch[] stretches = {
      VAKHSH,
      VAKHSH,
      PANJ,
      VAKHSH,
      PANJ,
      ZARAFSHON,
      ZARAFSHON_UZ,
      PANJ,
      ZARAFSHON,
      VAKHSH,
      ZARAFSHON_UZ,
      ZARAFSHON
    };
    for (int i = 0; i < count; i++) {
      Stretch stretch = stretches[i % stretches.length];
      // Deer on a border stretch start near the border, so the demo shows crossings within minutes.
      double along =
          stretch == PANJ || stretch == ZARAFSHON
              ? 0.35 + 0.3 * random.nextDouble()
              : random.nextDouble();
      deer.add(
          new Deer(
              String.format("%s-%03d", prefix, i + 1),
              String.format("BD-%02d", i + 1),
              i % 3 == 0 ? "m" : "f",
              stretch,
              along,
              random));
    }
  }

  public List<Deer> deer() {
    return deer;
  }

  /**
   * Moves one deer through {@code minutes} of simulated time ending at {@code at}: walking speed
   * follows the daily rhythm at local solar time; at a stretch's end it turns back.
   */
  public void step(Deer d, Instant at, double minutes) {
    if (d.dead) {
      return;
    }
    double metresPerMinute = activity(at, d.lon) * 25 * (0.5 + random.nextDouble());
    double stretchM = lengthM(d.stretch);
    d.along += d.direction * metresPerMinute * minutes / stretchM;
    if (d.along > 1 || d.along < 0) {
      d.direction = -d.direction;
      d.along = Math.max(0, Math.min(1, d.along));
    }
    if (random.nextDouble() < 0.02) {
      d.direction = -d.direction;
    }
    d.place(random);
    d.batteryV = Math.max(3.2, d.batteryV - 0.00002 * minutes);
  }

  /** The deer lies dead where it is: it no longer moves, and its collar reports mortality. */
  public void kill(Deer d) {
    d.dead = true;
  }

  /**
   * 0..1: high at dawn and dusk, low at midday, moderate at night (local solar time from the
   * longitude).
   */
  static double activity(Instant at, double lon) {
    double hour =
        (at.atOffset(ZoneOffset.UTC).getHour()
                + at.atOffset(ZoneOffset.UTC).getMinute() / 60.0
                + lon / 15
                + 24)
            % 24;
    double dawn = Math.exp(-Math.pow((hour - 6.5) / 1.5, 2));
    double dusk = Math.exp(-Math.pow((hour - 19) / 1.5, 2));
    return 0.1 + 0.9 * Math.max(dawn, dusk) + (hour < 5 || hour > 21 ? 0.15 : 0);
  }

  private static double lengthM(Stretch s) {
    double m = 0;
    double[][] w = s.waypoints();
    for (int i = 1; i < w.length; i++) {
      double dLat = (w[i][0] - w[i - 1][0]) * 111_320;
      double dLon = (w[i][1] - w[i - 1][1]) * 111_320 * Math.cos(Math.toRadians(w[i][0]));
      m += Math.hypot(dLat, dLon);
    }
    return m;
  }
}
