package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tugai.streams.alert.AlertDriver.detection;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertAck;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Crossing;
import org.tugai.avro.CrossingStatus;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.Severity;

/**
 * Acknowledgements, updates after them, unknown alerts; crossing notices on both countries'
 * channels.
 */
class LifecycleAndNoticesTest {

  static final Instant NOON = IntrusionRuleTest.NOON;
  private AlertDriver d;

  @AfterEach
  void close() {
    if (d != null) {
      d.close();
    }
  }

  /** A person at camera CT-Z1 in the reserve at noon: an open intrusion; returns its id. */
  private String anIntrusionAtNoon() {
    d = new AlertDriver(NOON);
    d.deployCamera(
        "CT-Z1",
        IntrusionRuleTest.ZLAT,
        IntrusionRuleTest.ZLON,
        Instant.parse("2026-01-01T00:00:00Z"),
        null);
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.9));
    return d.latest(AlertType.INTRUSION).get(0).getAlertId();
  }

  @Test
  void anAcknowledgementSticksThroughUpdatesAndKeepsWhoAndWhen() {
    String id = anIntrusionAtNoon();
    Instant ackAt = NOON.plusSeconds(90);
    d.ack(id, "ranger-akmal", "patrol on the way", ackAt);
    Alert acked = d.latest().get(id);
    assertThat(acked.getStatus()).isEqualTo(AlertStatus.ACKNOWLEDGED);
    assertThat(acked.getAcknowledgedBy()).isEqualTo("ranger-akmal");
    assertThat(acked.getAcknowledgedAt()).isEqualTo(ackAt);
    assertThat(acked.getNote()).isEqualTo("patrol on the way");

    d.event("CT-Z1", NOON.plusSeconds(120), detection(DetectionClass.PERSON, null, 0.95));
    Alert updated = d.latest().get(id);
    assertThat(updated.getDetails()).containsEntry("events", "2");
    assertThat(updated.getStatus()).isEqualTo(AlertStatus.ACKNOWLEDGED);
    assertThat(updated.getAcknowledgedBy()).isEqualTo("ranger-akmal");
    assertThat(updated.getFirstSeen()).isEqualTo(NOON);

    d.ack(id, "ranger-akmal", "patrol on the way", ackAt); // the same ack again changes nothing
    assertThat(d.records()).hasSize(3);
  }

  @Test
  void anAcknowledgementSentAgainWithItsClientIdIsAppliedOnce() {
    String id = anIntrusionAtNoon();
    Instant first = NOON.plusSeconds(90);
    d.ack(ack(id, "q-1", "seen from the ridge", first));
    assertThat(d.latest().get(id).getAckId()).isEqualTo("q-1");
    int sent = d.records().size();

    // The dashboard's answer was lost on the link: it sends the same acknowledgement a minute
    // later.
    d.ack(ack(id, "q-1", "seen from the ridge", first.plusSeconds(60)));
    assertThat(d.records()).hasSize(sent);
    assertThat(d.latest().get(id).getAcknowledgedAt()).isEqualTo(first);

    // The rules' next update keeps it; another acknowledgement (a new id) is applied.
    d.event("CT-Z1", NOON.plusSeconds(200), detection(DetectionClass.PERSON, null, 0.95));
    assertThat(d.latest().get(id).getAckId()).isEqualTo("q-1");
    d.ack(ack(id, "q-2", "patrol there", first.plusSeconds(300)));
    assertThat(d.latest().get(id).getNote()).isEqualTo("patrol there");
    assertThat(d.latest().get(id).getAckId()).isEqualTo("q-2");
  }

  private static AlertAck ack(String alertId, String ackId, String note, Instant at) {
    return AlertAck.newBuilder()
        .setAlertId(alertId)
        .setBy("Ranger Dilnoza")
        .setNote(note)
        .setAt(at)
        .setSource("api")
        .setVia("token:t1")
        .setAckId(ackId)
        .build();
  }

  @Test
  void anAcknowledgementOfAnUnknownAlertIsADeadLetter() {
    d = new AlertDriver(NOON);
    d.ack("no-such-alert", "ranger-x", null, NOON);
    List<DeadLetter> letters = d.deadLetters();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getReasonCode()).isEqualTo("unknown-alert");
    assertThat(letters.get(0).getReason()).contains("no-such-alert");
    assertThat(d.records()).isEmpty();
  }

  private static AlertAck mqttAck(
      String alertId, String user, String channel, String note, Instant at) {
    return AlertAck.newBuilder()
        .setAlertId(alertId)
        .setBy(user)
        .setNote(note)
        .setAt(at)
        .setSource("test")
        .setVia("mqtt-user:" + user)
        .setChannel(channel)
        .build();
  }

  @Test
  void anAcknowledgementOnAChannelTheAlertDoesNotGoToIsRefused() {
    d = new AlertDriver(NOON);
    d.deployCamera(
        "CT-Z1",
        IntrusionRuleTest.ZLAT,
        IntrusionRuleTest.ZLON,
        Instant.parse("2026-01-01T00:00:00Z"),
        null);
    d.event("CT-Z1", NOON, detection(DetectionClass.PERSON, null, 0.9));
    Alert alert = d.latest(AlertType.INTRUSION).get(0);
    d.ack(
        mqttAck(
            alert.getAlertId(), "ranger-of-b", "pa-somewhere-else", null, NOON.plusSeconds(30)));
    assertThat(d.latest().get(alert.getAlertId()).getStatus()).isEqualTo(AlertStatus.OPEN);
    assertThat(d.deadLetters())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getReasonCode()).isEqualTo("ack-refused");
              assertThat(l.getReason()).contains("does not go to channel pa-somewhere-else");
            });
    String channel = alert.getChannels().get(0);
    d.ack(mqttAck(alert.getAlertId(), "ranger-of-a", channel, "on it", NOON.plusSeconds(40)));
    Alert acked = d.latest().get(alert.getAlertId());
    assertThat(acked.getStatus()).isEqualTo(AlertStatus.ACKNOWLEDGED);
    assertThat(acked.getAcknowledgedBy()).isEqualTo("ranger-of-a");
    assertThat(acked.getAcknowledgedVia()).isEqualTo("mqtt-user:ranger-of-a on channel " + channel);
  }

  @Test
  void anAcknowledgementWithTextTheStoreCannotHoldIsRefusedAndTheAlertKeepsUpdating() {
    String id = anIntrusionAtNoon();
    d.ack(id, "ranger\u0000akmal", "on our way", NOON.plusSeconds(30));
    d.ack(id, "ranger-akmal", "x".repeat(2_001), NOON.plusSeconds(31));
    assertThat(d.deadLetters())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l.getReasonCode()).isEqualTo("ack-refused"))
        .allSatisfy(l -> assertThat(l.getReason()).doesNotContain("\u0000"));
    assertThat(d.latest().get(id).getStatus()).isEqualTo(AlertStatus.OPEN);
    d.event("CT-Z1", NOON.plusSeconds(60), detection(DetectionClass.PERSON, null, 0.95));
    assertThat(d.latest().get(id).getDetails()).containsEntry("events", "2");
  }

  @Test
  void textFromADeviceThatTheStoreCannotHoldIsCleanedBeforeTheAlertGoesOut() {
    d = new AlertDriver(NOON);
    d.deployCamera(
        "CT-Z1",
        IntrusionRuleTest.ZLAT,
        IntrusionRuleTest.ZLON,
        Instant.parse("2026-01-01T00:00:00Z"),
        null);
    CameraEvent e =
        CameraEvent.newBuilder()
            .setCameraId("CT-Z1")
            .setEventId("evt\u0000-1")
            .setCapturedAt(NOON)
            .setMedia(List.of("IMG\u0000.JPG"))
            .setModel("MDv5a")
            .setDetections(List.of(detection(DetectionClass.PERSON, null, 0.9)))
            .setReceivedAt(NOON)
            .setSource("test")
            .build();
    d.pipe(e);
    Alert a = d.latest(AlertType.INTRUSION).get(0);
    assertThat(a.toString()).doesNotContain("\u0000");
    assertThat(a.getMedia()).containsExactly("IMG\uFFFD.JPG");
  }

  static Crossing crossing(CrossingStatus status, int revision) {
    Instant t = Instant.parse("2026-03-01T04:00:00Z");
    return Crossing.newBuilder()
        .setCrossingId("TJ-BD-017|TJK>AFG|1772337600000")
        .setAnimalId("deer-1")
        .setCollarId("TJ-BD-017")
        .setDeploymentId("dep-1")
        .setFromCountry("TJK")
        .setToCountry("AFG")
        .setCrossedAt(t.minusSeconds(1800))
        .setBeforeFixTime(t.minusSeconds(3600))
        .setBeforeLat(37.2)
        .setBeforeLon(68.4)
        .setAfterFixTime(t)
        .setAfterLat(37.1)
        .setAfterLon(68.4)
        .setCrossingLat(37.15)
        .setCrossingLon(68.4)
        .setHotspot("hotspot-6")
        .setPopulation("Tj1")
        .setStatus(status)
        .setRevision(revision)
        .setDetectedAt(t.plusSeconds(60))
        .build();
  }

  @Test
  void aConfirmedCrossingIsANoticeOnBothCountriesChannelsAndARetractionResolvesIt() {
    d = new AlertDriver(NOON);
    d.pipe(crossing(CrossingStatus.CONFIRMED, 0));
    Alert notice = d.latest(AlertType.CROSSING_NOTICE).get(0);
    assertThat(notice.getSeverity()).isEqualTo(Severity.INFO);
    assertThat(notice.getChannels()).containsExactly("TJK", "AFG", "hotspot-6", "Tj1");
    assertThat(notice.getLat()).isEqualTo(37.15);
    assertThat(notice.getEvidence()).contains("crossing:TJ-BD-017|TJK>AFG|1772337600000");
    assertThat(notice.getAlertId()).doesNotContain("/", "+", "#");
    d.pipe(crossing(CrossingStatus.CONFIRMED, 0)); // redelivered: nothing new
    assertThat(d.records()).hasSize(1);
    d.pipe(crossing(CrossingStatus.RETRACTED, 1));
    Alert retracted = d.latest(AlertType.CROSSING_NOTICE).get(0);
    assertThat(retracted.getAlertId()).isEqualTo(notice.getAlertId());
    assertThat(retracted.getStatus()).isEqualTo(AlertStatus.RESOLVED);
  }
}
