package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tugai.streams.alert.AlertDriver.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.Severity;

/**
 * Mortality, immobility, transport, low battery and geofences on one collar's fixes, in event time.
 */
class CollarRulesTest {

  static final String COLLAR = "TJ-BD-021";
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  /** In Beshai Palangon, Tajikistan (protected area, core), south of the Vakhsh farmland. */
  static final double LAT = 37.40;

  static final double LON = 68.45;

  /** Metres per degree of latitude. */
  static final double M = 111_195;

  private AlertDriver d;

  private void start(Map<String, String> settings) {
    d = new AlertDriver(settings, T0);
    d.deployCollar(COLLAR, "deer-21", Instant.parse("2026-01-01T00:00:00Z"), null);
  }

  @AfterEach
  void close() {
    if (d != null) {
      d.close();
    }
  }

  private static Instant at(double hours) {
    return T0.plus(Duration.ofSeconds(Math.round(hours * 3600)));
  }

  @Test
  void theCollarsMortalitySignalIsCriticalAtOnceAndResolvesWhenItClears() {
    start(Map.of());
    d.pipe(fix(COLLAR, at(0), LAT, LON).setMortality(false));
    assertThat(d.records()).isEmpty();
    d.pipe(fix(COLLAR, at(1), LAT + 0.01, LON).setMortality(true));
    List<Alert> mortality = d.latest(AlertType.MORTALITY);
    assertThat(mortality).hasSize(1);
    assertThat(mortality.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(mortality.get(0).getAnimalId()).isEqualTo("deer-21");
    assertThat(mortality.get(0).getEvidence()).containsExactly("fix:" + COLLAR + "@" + at(1));
    d.pipe(fix(COLLAR, at(2), LAT + 0.02, LON).setMortality(true));
    assertThat(d.latest(AlertType.MORTALITY)).hasSize(1);
    d.pipe(fix(COLLAR, at(3), LAT + 0.03, LON).setMortality(false));
    Alert resolved = d.latest(AlertType.MORTALITY).get(0);
    assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.getAlertId()).isEqualTo(mortality.get(0).getAlertId());
  }

  /** A position {@code m} metres north and {@code e} metres east of the reference point. */
  private static double[] offset(double m, double e) {
    return new double[] {LAT + m / M, LON + e / (M * Math.cos(Math.toRadians(LAT)))};
  }

  /**
   * GPS scatter of about {@code metres} around a point (a 2-D normal whose mean error is {@code
   * metres}).
   */
  private static double[] scatter(Random random, double[] at, double metres) {
    double sigma = metres / 1.2533;
    return new double[] {
      at[0] + random.nextGaussian() * sigma / M,
      at[1] + random.nextGaussian() * sigma / (M * Math.cos(Math.toRadians(LAT)))
    };
  }

  /**
   * Hourly fixes from hour {@code from} (inclusive) to {@code to} (exclusive) at a bed, with GPS
   * scatter.
   */
  private void still(Random random, double from, double to, double[] bed, double scatterM) {
    for (double h = from; h < to; h++) {
      double[] p = scatter(random, bed, scatterM);
      d.pipe(fix(COLLAR, at(h), p[0], p[1]));
    }
  }

  /** Hourly fixes walking 300 m per hour east from {@code from}, returning where the walk ended. */
  private double[] walk(double from, double to, double[] start) {
    double[] p = start;
    for (double h = from; h < to; h++) {
      p = new double[] {p[0], p[1] + 300 / (M * Math.cos(Math.toRadians(LAT)))};
      d.pipe(fix(COLLAR, at(h), p[0], p[1]));
    }
    return p;
  }

  @Test
  void restBoutsOfTwoEightAndThirteenHoursRaiseNothing() {
    start(Map.of());
    Random random = new Random(7);
    double[] p = walk(0, 4, offset(0, 0));
    still(random, 4, 6, p, 6); // 2 h
    p = walk(6, 10, p);
    still(random, 10, 18, p, 8); // 8 h at one bed, 8 m scatter
    p = walk(18, 22, p);
    // 13 h at one resting site: 7 h at a bed, then up and down again 30 m away for 6 h (within 20 m
    // of the site's centre).
    still(random, 22, 29, p, 5);
    still(random, 29, 35, new double[] {p[0] + 30 / M, p[1]}, 5);
    walk(35, 40, p);
    assertThat(d.latest(AlertType.IMMOBILITY)).isEmpty();
    assertThat(d.latest().values()).noneMatch(a -> a.getSeverity() == Severity.CRITICAL);
  }

  @Test
  void aCarcassIsCriticalWithinTwelveHoursOfDeathAsOneIncidentEvenWithFixesMissing() {
    start(Map.of());
    Random random = new Random(11);
    double[] carcass = walk(0, 6, offset(0, 0));
    Instant death = at(5.5);
    Instant raised = null;
    for (int h = 6; h < 54; h++) {
      if (h % 5 == 2 || h % 7 == 3) {
        continue; // the collar missed this fix (lying on its side, under canopy)
      }
      double[] q = scatter(random, carcass, 4.5);
      d.pipe(fix(COLLAR, at(h), q[0], q[1]));
      if (raised == null && !d.latest(AlertType.IMMOBILITY).isEmpty()) {
        raised = at(h);
      }
    }
    List<Alert> immobile = d.latest(AlertType.IMMOBILITY);
    assertThat(immobile).hasSize(1);
    Alert a = immobile.get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(a.getStatus()).isEqualTo(AlertStatus.OPEN);
    assertThat(a.getTitle()).startsWith("Possible mortality: deer-21");
    // Its walk ended where it died, half an hour before death: the incident starts at that fix.
    assertThat(a.getFirstSeen()).isEqualTo(at(5));
    assertThat(Duration.between(death, raised)).isLessThanOrEqualTo(Duration.ofHours(12));
    assertThat(
            d.records().stream()
                .filter(r -> r.getType() == AlertType.IMMOBILITY)
                .map(Alert::getStatus))
        .as("never resolved while the carcass lies there")
        .doesNotContain(AlertStatus.RESOLVED);
  }

  @Test
  void aCarcassReportedInLateReversedSatelliteBatchesIsStillOneCriticalIncident() {
    start(Map.of());
    Random random = new Random(13);
    double[] carcass = walk(0, 6, offset(0, 0));
    // Store-and-forward: every four hours the collar uploads its last four fixes, newest first.
    for (int batch = 6; batch < 30; batch += 4) {
      for (int h = batch + 3; h >= batch; h--) {
        double[] q = scatter(random, carcass, 4.5);
        d.pipe(fix(COLLAR, at(h), q[0], q[1]));
      }
    }
    List<Alert> immobile = d.latest(AlertType.IMMOBILITY);
    assertThat(immobile)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
              assertThat(a.getStatus()).isEqualTo(AlertStatus.OPEN);
              assertThat(a.getFirstSeen()).isEqualTo(at(5));
              assertThat(a.getLastSeen()).isEqualTo(at(29));
            });
  }

  @Test
  void anOpenMortalityIncidentResolvesOnlyWhenTheCollarClearlyMovesAway() {
    start(Map.of());
    Random random = new Random(3);
    double[] bed = offset(0, 0);
    still(random, 0, 12, bed, 4);
    Alert open = d.latest(AlertType.IMMOBILITY).get(0);
    // One fix 80 m off (a bad fix the filters let through), then back: still one open incident.
    d.pipe(fix(COLLAR, at(12), bed[0] + 80 / M, bed[1]));
    still(random, 13, 15, bed, 4);
    assertThat(d.latest(AlertType.IMMOBILITY))
        .singleElement()
        .extracting(Alert::getStatus)
        .isEqualTo(AlertStatus.OPEN);
    // Carried off (or alive after all): two fixes beyond 50 m resolve it, same id.
    walk(15, 17, bed);
    Alert after = d.latest(AlertType.IMMOBILITY).get(0);
    assertThat(after.getAlertId()).isEqualTo(open.getAlertId());
    assertThat(after.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(after.getTitle()).endsWith("moving again");
  }

  @Test
  void noActivityOnTheCollarsSensorMakesStillnessCriticalSooner() {
    start(Map.of());
    Random random = new Random(5);
    double[] bed = offset(0, 0);
    for (int h = 0; h < 9; h++) { // a living animal resting 9 h: the sensor still counts movements
      double[] q = scatter(random, bed, 4);
      d.pipe(fix(COLLAR, at(h), q[0], q[1]).setActivity(12 + h % 3));
    }
    assertThat(d.latest(AlertType.IMMOBILITY)).isEmpty();
    double[] elsewhere = walk(9, 12, bed);
    for (int h = 12; h < 20; h++) { // dead: no activity at all
      double[] q = scatter(random, elsewhere, 4);
      d.pipe(fix(COLLAR, at(h), q[0], q[1]).setActivity(0));
    }
    Alert a = d.latest(AlertType.IMMOBILITY).get(0);
    assertThat(a.getFirstSeen()).isEqualTo(at(11)); // where the walk ended
    assertThat(a.getDetails()).containsEntry("reason", "no-activity");
    assertThat(
            Duration.between(
                a.getFirstSeen(),
                d.records().stream()
                    .filter(r -> r.getType() == AlertType.IMMOBILITY)
                    .findFirst()
                    .orElseThrow()
                    .getLastSeen()))
        .isEqualTo(Duration.ofHours(6));
  }

  @Test
  void aGrazingDeerIsNotImmobileAndNeitherIsTooShortAStay() {
    start(Map.of());
    for (int h = 0; h <= 8; h++) {
      d.pipe(fix(COLLAR, at(h), LAT + (h % 3) * 60 / M, LON + (h % 2) * 40 / M));
    }
    for (int h = 20; h <= 29; h++) { // still, but for 9 h only
      d.pipe(fix(COLLAR, at(h), LAT, LON));
    }
    assertThat(d.latest(AlertType.IMMOBILITY)).isEmpty();
  }

  @Test
  void poorFixesDoNotMakeImmobility() {
    start(Map.of());
    for (int h = 0; h <= 12; h++) {
      d.pipe(fix(COLLAR, at(h), LAT, LON).setHdop(12.0)); // flagged poor-quality by the track
    }
    assertThat(d.latest(AlertType.IMMOBILITY)).isEmpty();
  }

  @Test
  void theImmobilityThresholdsAreConfigurablePerSpecies() {
    start(
        Map.of(
            "alerts.by-species.Cervus elaphus bactrianus.immobility.radius-m",
            "50",
            "alerts.by-species.Cervus elaphus bactrianus.immobility.critical-after",
            "5h"));
    for (int h = 0; h <= 6; h++) {
      d.pipe(fix(COLLAR, at(h), LAT + (h % 2) * 40 / M, LON));
    }
    assertThat(d.latest(AlertType.IMMOBILITY)).hasSize(1);
    assertThat(d.latest(AlertType.IMMOBILITY).get(0).getFirstSeen()).isEqualTo(at(0));
  }

  @Test
  void sustainedSpeedOverSeveralGoodFixesIsPossibleTransport() {
    start(Map.of());
    d.pipe(fix(COLLAR, at(0), LAT, LON));
    // 80 km/h north-east along a road, a fix every 10 minutes: 13.3 km per step.
    for (int i = 1; i <= 4; i++) {
      d.pipe(fix(COLLAR, at(i / 6.0), LAT + i * 13_333 / M, LON));
    }
    List<Alert> transport = d.latest(AlertType.TRANSPORT);
    assertThat(transport).hasSize(1);
    Alert a = transport.get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(Double.parseDouble(a.getDetails().get("speedKmh"))).isBetween(79.0, 81.0);
    assertThat(a.getEvidence()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(a.getTitle()).contains("deer-21").contains("80 km/h");
  }

  @Test
  void aSingleGpsSpikeIsNotTransport() {
    start(Map.of());
    for (int i = 0; i < 4; i++) {
      d.pipe(fix(COLLAR, at(i), LAT + i * 100 / M, LON));
    }
    d.pipe(fix(COLLAR, at(4), LAT + 30_000 / M, LON)); // 30 km away in an hour
    d.pipe(fix(COLLAR, at(5), LAT + 500 / M, LON)); // and back
    d.pipe(fix(COLLAR, at(6), LAT + 600 / M, LON));
    assertThat(d.latest(AlertType.TRANSPORT)).isEmpty();
  }

  @Test
  void twoFastStepsAreNotYetTransport() {
    start(Map.of());
    d.pipe(fix(COLLAR, at(0), LAT, LON));
    d.pipe(fix(COLLAR, at(1 / 6.0), LAT + 13_333 / M, LON));
    d.pipe(fix(COLLAR, at(2 / 6.0), LAT + 26_666 / M, LON));
    assertThat(d.latest(AlertType.TRANSPORT)).isEmpty();
  }

  @Test
  void aLowBatteryIsAWarningThatClearsWhenItRecovers() {
    start(Map.of());
    d.pipe(fix(COLLAR, at(0), LAT, LON).setBatteryV(3.7));
    assertThat(d.latest(AlertType.LOW_BATTERY)).isEmpty();
    d.pipe(fix(COLLAR, at(1), LAT, LON + 0.01).setBatteryV(3.3));
    Alert low = d.latest(AlertType.LOW_BATTERY).get(0);
    assertThat(low.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(low.getDetails()).containsEntry("batteryV", "3.30");
    d.pipe(
        fix(COLLAR, at(2), LAT, LON + 0.02).setBatteryV(3.45)); // within the hysteresis: stays open
    assertThat(d.latest(AlertType.LOW_BATTERY).get(0).getStatus()).isEqualTo(AlertStatus.OPEN);
    d.pipe(fix(COLLAR, at(3), LAT, LON + 0.03).setBatteryV(3.8));
    assertThat(d.latest(AlertType.LOW_BATTERY).get(0).getStatus()).isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void leavingTheProtectedAreaIntoFarmlandAfterTheDwellIsAGeofenceAlert() {
    start(Map.of());
    d.pipe(fix(COLLAR, at(0), LAT, LON));
    d.pipe(fix(COLLAR, at(1), 37.44, LON));
    d.pipe(fix(COLLAR, at(2), 37.48, LON)); // farmland, not yet long enough
    assertThat(d.latest(AlertType.GEOFENCE)).isEmpty();
    d.pipe(fix(COLLAR, at(3), 37.50, LON));
    List<Alert> geofence = d.latest(AlertType.GEOFENCE);
    assertThat(geofence).hasSize(1);
    Alert a = geofence.get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(a.getDetails())
        .containsEntry("zone", "farm-vakhsh")
        .containsEntry("fromProtectedArea", "true");
    assertThat(a.getChannels()).contains("farm-vakhsh");
    assertThat(a.getFirstSeen()).isEqualTo(at(2));
    // Back into the reserve for good: resolved.
    d.pipe(fix(COLLAR, at(4), 37.42, LON));
    assertThat(d.latest(AlertType.GEOFENCE).get(0).getStatus()).isEqualTo(AlertStatus.OPEN);
    d.pipe(fix(COLLAR, at(5), 37.41, LON));
    assertThat(d.latest(AlertType.GEOFENCE).get(0).getStatus()).isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void flappingAtTheFarmlandEdgeRaisesNothing() {
    start(Map.of());
    for (int h = 0; h < 10; h++) {
      d.pipe(fix(COLLAR, at(h), h % 2 == 0 ? 37.449 : 37.451, LON));
    }
    assertThat(d.latest(AlertType.GEOFENCE)).isEmpty();
  }

  @Test
  void enteringAHazardZoneIsHigh() {
    start(Map.of("alerts.geofence.dwell", "20m"));
    d.pipe(fix(COLLAR, at(0), 37.22, 67.20));
    d.pipe(fix(COLLAR, at(0.5), 37.25, 67.30));
    d.pipe(fix(COLLAR, at(1), 37.26, 67.31));
    Alert a = d.latest(AlertType.GEOFENCE).get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(a.getDetails()).containsEntry("zone", "hazard-termez-bridge");
  }

  @Test
  void aRevisedFixReplacesTheOldOneInsteadOfCountingTwice() {
    start(Map.of());
    for (int h = 0; h <= 10; h++) {
      d.pipe(fix(COLLAR, at(h), LAT, LON));
      d.pipe(fix(COLLAR, at(h), LAT, LON)); // the device sent it twice
    }
    assertThat(d.records()).extracting(Alert::getType).containsOnly(AlertType.IMMOBILITY);
    // Each of the eleven fixes once, although each arrived twice.
    assertThat(d.latest(AlertType.IMMOBILITY).get(0).getEvidence())
        .hasSize(11)
        .doesNotHaveDuplicates();
  }
}
