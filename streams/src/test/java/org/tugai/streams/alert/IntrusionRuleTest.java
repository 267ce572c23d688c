package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tugai.streams.alert.AlertDriver.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.Severity;
import org.tugai.schemas.CameraEventFlags;

/**
 * Intrusion: people, vehicles and dogs at cameras in protected zones; bursts, night, core zones,
 * escalation.
 */
class IntrusionRuleTest {

  /** Zarafshon Special Reserve (protected, not core), Tajikistan, UTC+5. */
  static final double ZLAT = 39.47;

  static final double ZLON = 67.60;

  /** Beshai Palangon (core zone). */
  static final double BLAT = 37.30;

  static final double BLON = 68.45;

  /** Local noon and local midnight in Tajikistan. */
  static final Instant NOON = Instant.parse("2026-06-15T07:00:00Z");

  static final Instant MIDNIGHT = Instant.parse("2026-06-15T19:00:00Z");

  private AlertDriver d;

  private AlertDriver start(Map<String, String> settings) {
    d = new AlertDriver(settings, NOON);
    Instant on = Instant.parse("2026-01-01T00:00:00Z");
    d.deployCamera("CT-Z1", ZLAT, ZLON, on, null);
    d.deployCamera("CT-B1", BLAT, BLON, on, null);
    d.deployCamera("CT-OUT", 38.56, 68.77, on, null); // Dushanbe: no protected zone
    return d;
  }

  @AfterEach
  void close() {
    if (d != null) {
      d.close();
    }
  }

  @Test
  void aPersonAtAProtectedZoneCameraByDayIsAHighAlertOnTheZoneChannel() {
    start(Map.of());
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.91));
    List<Alert> alerts = d.latest(AlertType.INTRUSION);
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(a.getStatus()).isEqualTo(AlertStatus.OPEN);
    assertThat(a.getChannels()).contains("pa-zarafshon-tj");
    assertThat(a.getLat()).isEqualTo(ZLAT);
    assertThat(a.getEvidence()).containsExactly("event:CT-Z1/evt-1");
    assertThat(a.getMedia()).containsExactly("evt-1.jpg");
    assertThat(a.getDetails()).containsEntry("night", "false").containsEntry("classes", "person");
    assertThat(a.getTitle()).contains("Person at camera CT-Z1 in Zarafshon Special Reserve");
  }

  @Test
  void anImportedPackagesPersonRaisesNothingWhileALiveOneAtTheSameCameraDoes() {
    start(Map.of());
    d.pipe(
        CameraEvent.newBuilder()
            .setCameraId("CT-Z1")
            .setEventId("past-1")
            .setCapturedAt(NOON.minusSeconds(600))
            .setMedia(List.of("past-1.jpg"))
            .setDetections(List.of(detection(DetectionClass.PERSON, null, 1.0)))
            .setReceivedAt(NOON)
            .setSource("import-camtrap-dp:pkg")
            .setQualityFlags(List.of(CameraEventFlags.IMPORTED))
            .build());
    assertThat(d.latest(AlertType.INTRUSION)).isEmpty();
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.91));
    assertThat(d.latest(AlertType.INTRUSION))
        .singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly("event:CT-Z1/evt-1"));
  }

  @Test
  void nightFromTheSunAtTheCameraRaisesSeverity() {
    start(Map.of());
    d.event("CT-Z1", MIDNIGHT, detection(DetectionClass.VEHICLE, null, 0.8));
    Alert a = d.latest(AlertType.INTRUSION).get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(a.getDetails()).containsEntry("night", "true");
    assertThat(Double.parseDouble(a.getDetails().get("sunAltitudeDeg"))).isLessThan(-6);
  }

  @Test
  void aCoreZoneRaisesSeverityByDay() {
    start(Map.of());
    d.event("CT-B1", NOON, detection(DetectionClass.PERSON, null, 0.9));
    Alert a = d.latest(AlertType.INTRUSION).get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(a.getDetails()).containsEntry("coreZone", "true");
  }

  @Test
  void aDogIsAWarningByDay() {
    start(Map.of());
    d.event("CT-Z1", NOON, detection(DetectionClass.ANIMAL, "Canis familiaris", 0.7));
    Alert a = d.latest(AlertType.INTRUSION).get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(a.getDetails()).containsEntry("classes", "dog");
  }

  @Test
  void aBurstOfThirtyImagesIsOneAlertUpdatedNotThirty() {
    start(Map.of());
    for (int i = 0; i < 30; i++) {
      d.event(
          "CT-Z1",
          NOON.plusSeconds(i * 20L),
          detection(DetectionClass.PERSON, null, 0.6 + i / 100.0));
    }
    List<Alert> records = d.records();
    assertThat(records)
        .hasSize(30)
        .extracting(Alert::getAlertId)
        .containsOnly(records.get(0).getAlertId());
    Alert last = records.get(29);
    assertThat(last.getDetails())
        .containsEntry("events", "30")
        .containsEntry("maxConfidence", "0.89");
    assertThat(last.getFirstSeen()).isEqualTo(NOON);
    assertThat(last.getLastSeen()).isEqualTo(NOON.plusSeconds(29 * 20L));
    assertThat(last.getEvidence()).hasSize(30).endsWith("event:CT-Z1/evt-30");
  }

  @Test
  void aRedeliveredEventChangesNothing() {
    start(Map.of());
    var e = d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.9));
    d.pipe(e);
    d.pipe(e);
    assertThat(d.records()).hasSize(1);
  }

  @Test
  void detectionsFurtherApartThanTheBurstWindowAreSeparateIncidents() {
    start(Map.of());
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.9));
    d.event(
        "CT-Z1", NOON.plus(Duration.ofMinutes(11)), detection(DetectionClass.PERSON, null, 0.9));
    assertThat(d.latest(AlertType.INTRUSION)).hasSize(2);
  }

  @Test
  void nothingFiresOutsideProtectedZonesBelowTheThresholdOrForDeer() {
    start(Map.of());
    d.event("CT-OUT", NOON, detection(DetectionClass.PERSON, null, 0.99));
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.3));
    d.event("CT-Z1", NOON.plusSeconds(5), detection(DetectionClass.ANIMAL, AlertDriver.DEER, 0.95));
    d.event("CT-UNDEPLOYED", NOON, detection(DetectionClass.PERSON, null, 0.99));
    assertThat(d.records()).isEmpty();
  }

  @Test
  void theConfidenceThresholdIsConfigurablePerZone() {
    start(Map.of("alerts.by-zone.pa-zarafshon-tj.intrusion.min-confidence", "0.2"));
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.3));
    d.event("CT-B1", NOON, detection(DetectionClass.PERSON, null, 0.3));
    assertThat(d.latest(AlertType.INTRUSION))
        .extracting(Alert::getDeviceId)
        .containsExactly("CT-Z1");
  }

  @Test
  void aCollaredAnimalNearTheDetectionEscalatesAndIsLinked() {
    start(Map.of());
    d.deployCollar("C-1", "deer-7", Instant.parse("2026-01-01T00:00:00Z"), null);
    d.pipe(AlertDriver.fix("C-1", NOON.minus(Duration.ofMinutes(30)), ZLAT + 0.005, ZLON));
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.9));
    Alert a = d.latest(AlertType.INTRUSION).get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(a.getAnimalId()).isEqualTo("deer-7");
    assertThat(a.getLinks()).containsExactly("animal:deer-7");
    assertThat(a.getEvidence()).contains("fix:C-1@" + NOON.minus(Duration.ofMinutes(30)));
    assertThat(Long.parseLong(a.getDetails().get("nearestAnimalM"))).isBetween(500L, 600L);
  }

  @Test
  void anAnimalFarAwayOrLongAgoDoesNotEscalate() {
    start(Map.of());
    d.deployCollar("C-1", "deer-7", Instant.parse("2026-01-01T00:00:00Z"), null);
    d.deployCollar("C-2", "deer-8", Instant.parse("2026-01-01T00:00:00Z"), null);
    d.pipe(
        AlertDriver.fix(
            "C-1", NOON.minus(Duration.ofMinutes(30)), ZLAT + 0.05, ZLON)); // 5.5 km away
    d.pipe(
        AlertDriver.fix("C-2", NOON.minus(Duration.ofHours(5)), ZLAT, ZLON)); // here, but 5 h ago
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.9));
    Alert a = d.latest(AlertType.INTRUSION).get(0);
    assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(a.getLinks()).isEmpty();
  }
}
