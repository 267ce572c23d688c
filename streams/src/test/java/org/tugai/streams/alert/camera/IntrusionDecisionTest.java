package org.tugai.streams.alert.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.CameraAlertState;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.Severity;
import org.tugai.core.config.Settings;
import org.tugai.core.geo.GeoFeature;
import org.tugai.streams.alert.AlertParams;
import org.tugai.streams.alert.AlertsConfig;

/**
 * The intrusion rule as a function: a burst's typed counts, its continuation, and a state written
 * before v3.
 */
class IntrusionDecisionTest {

  /** Zarafshon, Tajikistan (UTC+5): local noon and local midnight. */
  private static final double LAT = 39.47;

  private static final double LON = 67.60;
  private static final Instant NOON = Instant.parse("2026-06-15T07:00:00Z");
  private static final Instant MIDNIGHT = Instant.parse("2026-06-15T19:00:00Z");
  private static final GeoFeature RESERVE =
      new GeoFeature("pa-z", "Zarafshon Special Reserve", "protected-area", Map.of(), null);

  private final AlertsConfig config = AlertsConfig.from(Settings.of(Map.of()));
  private final AlertParams p = config.params(List.of("pa-z"), null);
  private final IntrusionRule rule = new IntrusionRule(config);

  @Test
  void onlyPeopleVehiclesAndDogsAboveTheThresholdCount() {
    CameraEvent e =
        event(
            "e1",
            NOON,
            person(0.9),
            detection(DetectionClass.PERSON, null, 0.2),
            detection(DetectionClass.ANIMAL, "Cervus elaphus", 0.95),
            detection(DetectionClass.ANIMAL, "Canis familiaris", 0.8));
    assertThat(rule.qualifying(e, p))
        .extracting(Detection::getConfidence)
        .containsExactly(0.9, 0.8);
  }

  @Test
  void aBurstCountsItsEventsClassesConfidenceAndNightInItsState() {
    IntrusionRule.Decision first = decide(event("e1", MIDNIGHT, person(0.7)), null);
    assertThat(first.next().getTally().getEvents()).isEqualTo(1);
    assertThat(first.next().getTally().getNight()).isTrue();
    assertThat(first.alert().getSeverity())
        .isEqualTo(Severity.CRITICAL); // high, one step up at night

    IntrusionRule.Decision second =
        decide(event("e2", MIDNIGHT.plusSeconds(300), vehicle(0.95)), first.next());
    assertThat(second.alert().getAlertId()).isEqualTo(first.alert().getAlertId());
    assertThat(second.next().getTally().getEvents()).isEqualTo(2);
    assertThat(second.next().getTally().getClasses()).containsExactly("person", "vehicle");
    assertThat(second.next().getTally().getMaxConfidence()).isEqualTo(0.95);
    assertThat(second.next().getSeenEvents()).containsExactly("e1", "e2");
    assertThat(second.alert().getDetails())
        .containsEntry("events", "2")
        .containsEntry("classes", "person,vehicle")
        .containsEntry("maxConfidence", "0.95")
        .containsEntry("night", "true");
    assertThat(second.alert().getTitle())
        .startsWith("Person and vehicle at camera CT-1 in Zarafshon Special Reserve")
        .contains("(2 events)");
    assertThat(IntrusionRule.counted(second.next(), event("e1", MIDNIGHT, person(0.7)))).isTrue();
  }

  @Test
  void anEventPastTheBurstWindowStartsAFreshIncident() {
    IntrusionRule.Decision first = decide(event("e1", NOON, person(0.9)), null);
    IntrusionRule.Decision later =
        decide(
            event("e2", NOON.plus(p.intrusionBurstWindow()).plusSeconds(1), person(0.6)),
            first.next());
    assertThat(later.alert().getAlertId()).isNotEqualTo(first.alert().getAlertId());
    assertThat(later.next().getTally().getEvents()).isEqualTo(1);
    assertThat(later.next().getTally().getMaxConfidence()).isEqualTo(0.6);
    assertThat(later.next().getSeenEvents()).containsExactly("e2");
  }

  @Test
  void anEventOlderThanTheBurstHasItsOwnIncidentAndLeavesTheBurstAlone() {
    IntrusionRule.Decision first = decide(event("e1", NOON, person(0.9)), null);
    IntrusionRule.Decision older =
        decide(
            event("e0", NOON.minus(p.intrusionBurstWindow()).minusSeconds(60), person(0.9)),
            first.next());
    assertThat(older.alert().getAlertId()).isNotEqualTo(first.alert().getAlertId());
    assertThat(older.next()).isNull();
  }

  @Test
  void aStateWrittenBeforeTheTallyGoesOnCountingFromTheBurstsDetails() {
    IntrusionRule.Decision first = decide(event("e1", NOON, person(0.9), vehicle(0.8)), null);
    Alert burst = first.alert();
    CameraAlertState v2 =
        CameraAlertState.newBuilder()
            .setCameraId("CT-1")
            .setBurst(burst)
            .setSeenEvents(List.of("e1"))
            .build();
    assertThat(v2.getTally()).isNull();
    IntrusionRule.Decision next = decide(event("e2", NOON.plusSeconds(60), person(0.5)), v2);
    assertThat(next.alert().getAlertId()).isEqualTo(burst.getAlertId());
    assertThat(next.next().getTally().getEvents()).isEqualTo(2);
    assertThat(next.next().getTally().getClasses()).containsExactly("person", "vehicle");
    assertThat(next.next().getTally().getMaxConfidence()).isEqualTo(0.9);
  }

  private IntrusionRule.Decision decide(CameraEvent e, CameraAlertState state) {
    IntrusionRule.Sighting s =
        new IntrusionRule.Sighting(
            e,
            LAT,
            LON,
            List.of(RESERVE),
            List.of("pa-z"),
            Optional.empty(),
            e.getCapturedAt().plusSeconds(30));
    return rule.decide(s, rule.qualifying(e, p), state, p);
  }

  private static CameraEvent event(String id, Instant at, Detection... found) {
    return CameraEvent.newBuilder()
        .setCameraId("CT-1")
        .setEventId(id)
        .setCapturedAt(at)
        .setMedia(List.of(id + ".jpg"))
        .setModel("MDv5a")
        .setDetections(List.of(found))
        .setReceivedAt(at.plusSeconds(5))
        .setSource("test")
        .build();
  }

  private static Detection person(double confidence) {
    return detection(DetectionClass.PERSON, null, confidence);
  }

  private static Detection vehicle(double confidence) {
    return detection(DetectionClass.VEHICLE, null, confidence);
  }

  private static Detection detection(DetectionClass category, String species, double confidence) {
    return Detection.newBuilder()
        .setCategory(category)
        .setSpecies(species)
        .setConfidence(confidence)
        .setBbox(List.of(0.1, 0.2, 0.3, 0.4))
        .setCount(1)
        .build();
  }
}
