package org.tugai.app.crossing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.geo.Countries;

/**
 * Collared deer living on both banks of the Panj: each spends a day on one side, then swims across
 * in the evening, day after day. Hourly fixes; the border is the real 1:10m line.
 */
final class SimulatedDeer {

  static final Countries COUNTRIES = Countries.load(Countries.SHIPPED);

  private final String collarPrefix;
  private final int deer;
  private final int days;
  private final Instant start;

  SimulatedDeer(String collarPrefix, int deer, int days, Instant start) {
    this.collarPrefix = collarPrefix;
    this.deer = deer;
    this.days = days;
    this.start = start;
  }

  String collar(int k) {
    return collarPrefix + "-" + k;
  }

  List<Deployment> deployments() {
    List<Deployment> out = new ArrayList<>();
    for (int k = 0; k < deer; k++) {
      out.add(
          Deployment.newBuilder()
              .setDeploymentId(collar(k) + "@dep")
              .setDeviceId(collar(k))
              .setDeviceType(DeviceType.COLLAR)
              .setAnimalId("deer-" + collar(k))
              .setSpecies("Cervus elaphus bactrianus")
              .setPopulation("Tj1")
              .setDeployOn(start.minus(Duration.ofDays(1)))
              .build());
    }
    return out;
  }

  /** Fixes of deer k for one day, in time order. */
  List<Fix> day(int k, int d) {
    double lon = 68.32 + 0.04 * k;
    double border = COUNTRIES.crossingPoint(37.30, lon, 36.90, lon, "TJK").orElseThrow().y;
    Random noise = new Random(31L * k + d);
    double side = d % 2 == 0 ? 1 : -1;
    List<Fix> fixes = new ArrayList<>();
    for (int h = 0; h < 24; h++) {
      double north;
      if (h < 21 || d == days - 1) {
        north = side * (0.05 + noise.nextDouble() * 0.004);
      } else {
        north = side * new double[] {0.02, -0.02, -0.05}[h - 21];
      }
      Instant t = start.plus(Duration.ofDays(d)).plus(Duration.ofHours(h));
      fixes.add(
          Fix.newBuilder()
              .setCollarId(collar(k))
              .setFixTime(t)
              .setLat(border + north)
              .setLon(lon)
              .setFixType(FixType.THREE_D)
              .setHdop(1.0)
              .setSatellites(9)
              .setReceivedAt(t.plusSeconds(20))
              .setSource("sim")
              .build());
    }
    return fixes;
  }

  /** Crossings per deer: one each evening but the last. */
  int crossingsPerDeer() {
    return days - 1;
  }

  int deer() {
    return deer;
  }

  int days() {
    return days;
  }
}
