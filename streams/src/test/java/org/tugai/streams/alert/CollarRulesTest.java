package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tugai.streams.alert.AlertDriver.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.Severity;

/** Mortality, immobility, transport, low battery and geofences on one collar's fixes, in event time. */
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

  @Test
  void fixesWithinThirteenMetresForFiveHoursAreImmobility() {
    start(Map.of());
    for (int h = 0; h <= 6; h++) {
      d.pipe(fix(COLLAR, at(h), LAT + (h % 2) * 5 / M, LON));
    }
    List<Alert> immobile = d.latest(AlertType.IMMOBILITY);
    assertThat(immobile).hasSize(1);
    assertThat(immobile.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(immobile.get(0).getStatus()).isEqualTo(AlertStatus.OPEN);
    assertThat(immobile.get(0).getFirstSeen()).isEqualTo(at(0));
    // It walks away: the incident resolves, with the same id.
    for (int h = 7; h <= 12; h++) {
      d.pipe(fix(COLLAR, at(h), LAT + (h - 6) * 400 / M, LON));
    }
    Alert after = d.latest(AlertType.IMMOBILITY).get(0);
    assertThat(after.getAlertId()).isEqualTo(immobile.get(0).getAlertId());
    assertThat(after.getStatus()).isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void aGrazingDeerIsNotImmobileAndNeitherIsTooShortAStay() {
    start(Map.of());
    for (int h = 0; h <= 8; h++) {
      d.pipe(fix(COLLAR, at(h), LAT + (h % 3) * 60 / M, LON + (h % 2) * 40 / M));
    }
    for (int h = 20; h <= 23; h++) { // still, but for 3 h only
      d.pipe(fix(COLLAR, at(h), LAT, LON));
    }
    assertThat(d.latest(AlertType.IMMOBILITY)).isEmpty();
  }

  @Test
  void poorFixesDoNotMakeImmobility() {
    start(Map.of());
    for (int h = 0; h <= 6; h++) {
      d.pipe(fix(COLLAR, at(h), LAT, LON).setHdop(12.0)); // flagged poor-quality by the track
    }
    assertThat(d.latest(AlertType.IMMOBILITY)).isEmpty();
  }

  @Test
  void theImmobilityRadiusIsConfigurablePerSpecies() {
    start(Map.of("alerts.by-species.Cervus elaphus bactrianus.immobility.radius-m", "50"));
    for (int h = 0; h <= 6; h++) {
      d.pipe(fix(COLLAR, at(h), LAT + (h % 2) * 40 / M, LON));
    }
    assertThat(d.latest(AlertType.IMMOBILITY)).hasSize(1);
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
    d.pipe(fix(COLLAR, at(2), LAT, LON + 0.02).setBatteryV(3.45)); // within the hysteresis: stays open
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
    assertThat(a.getDetails()).containsEntry("zone", "farm-vakhsh").containsEntry("fromProtectedArea", "true");
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
    for (int h = 0; h <= 6; h++) {
      d.pipe(fix(COLLAR, at(h), LAT, LON));
      d.pipe(fix(COLLAR, at(h), LAT, LON)); // the device sent it twice
    }
    assertThat(d.records()).extracting(Alert::getType).containsOnly(AlertType.IMMOBILITY);
    // Each of the seven fixes once, although each arrived twice.
    assertThat(d.latest(AlertType.IMMOBILITY).get(0).getEvidence()).hasSize(7).doesNotHaveDuplicates();
  }
}
