package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tugai.streams.alert.AlertDriver.detection;
import static org.tugai.streams.alert.AlertDriver.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.Severity;

/**
 * Silence, on wall-clock punctuation: from the deployment's interval or one learned from the
 * device.
 */
class SilenceRuleTest {

  static final Instant NOW = Instant.parse("2026-05-01T06:00:00Z");
  private AlertDriver d;

  @AfterEach
  void close() {
    if (d != null) {
      d.close();
    }
  }

  @Test
  void aCollarSilentForThreeExpectedIntervalsRaisesAnAlertThatResolvesWhenItSpeaks() {
    d = new AlertDriver(NOW);
    d.deployCollar("C-9", "deer-9", Instant.parse("2026-01-01T00:00:00Z"), 3600);
    d.pipe(fix("C-9", NOW.minusSeconds(60), 37.40, 68.45));
    d.advanceWallClock(Duration.ofMinutes(170));
    assertThat(d.latest(AlertType.SILENCE)).isEmpty();
    d.advanceWallClock(Duration.ofMinutes(11));
    Alert silent = d.latest(AlertType.SILENCE).get(0);
    assertThat(silent.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(silent.getAnimalId()).isEqualTo("deer-9");
    assertThat(silent.getDetails())
        .containsEntry("expectedFrom", "deployment")
        .containsEntry("expectedIntervalS", "3600");
    assertThat(silent.getChannels()).contains("pa-beshai-palangon");
    d.advanceWallClock(Duration.ofHours(5));
    assertThat(d.records()).hasSize(1); // raised once, not on every sweep
    d.pipe(fix("C-9", NOW.plus(Duration.ofHours(8)), 37.40, 68.45));
    Alert back = d.latest(AlertType.SILENCE).get(0);
    assertThat(back.getAlertId()).isEqualTo(silent.getAlertId());
    assertThat(back.getStatus()).isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void theIntervalIsLearnedFromTheGapsBetweenUploads() {
    d = new AlertDriver(NOW);
    d.deployCollar("C-L", "deer-L", Instant.parse("2026-01-01T00:00:00Z"), null);
    for (int i = 0; i < 4; i++) {
      // A store-and-forward upload of three fixes every 10 minutes: the three arrive together.
      for (int j = 0; j < 3; j++) {
        d.pipe(fix("C-L", NOW.plusSeconds(i * 600L + j * 200L), 37.40 + i * 0.01, 68.45));
      }
      d.advanceWallClock(Duration.ofMinutes(10));
    }
    d.advanceWallClock(Duration.ofMinutes(15));
    assertThat(d.latest(AlertType.SILENCE)).isEmpty();
    d.advanceWallClock(Duration.ofMinutes(6));
    Alert silent = d.latest(AlertType.SILENCE).get(0);
    assertThat(silent.getDetails())
        .containsEntry("expectedFrom", "learned")
        .containsEntry("expectedIntervalS", "600");
  }

  @Test
  void aSatelliteChannelsIntervalWinsOverTheLearnedOne() {
    // A Globalstar-style collar relays twice a day: silence is judged on that, not on the minutes
    // between its last uploads.
    d =
        new AlertDriver(
            Map.of("alerts.silence.expected-interval-by-channel.iridium-directip", "12h"), NOW);
    d.deployCollar("C-S", "deer-S", Instant.parse("2026-01-01T00:00:00Z"), null);
    for (int i = 0; i < 4; i++) {
      d.pipe(
          org.tugai.avro.Fix.newBuilder(fix("C-S", NOW.plusSeconds(i * 600L), 37.40, 68.45))
              .setSource("iridium-directip:300234010753370:" + i)
              .build());
      d.advanceWallClock(Duration.ofMinutes(10));
    }
    d.advanceWallClock(Duration.ofHours(30));
    assertThat(d.latest(AlertType.SILENCE)).isEmpty();
    d.advanceWallClock(Duration.ofHours(7));
    Alert silent = d.latest(AlertType.SILENCE).get(0);
    assertThat(silent.getDetails())
        .containsEntry("expectedFrom", "channel iridium-directip")
        .containsEntry("expectedIntervalS", "43200");
  }

  @Test
  void aDeviceWithNoKnownIntervalIsNeverCalledSilent() {
    d = new AlertDriver(NOW);
    d.pipe(fix("C-NEW", NOW, 37.40, 68.45));
    d.advanceWallClock(Duration.ofDays(3));
    assertThat(d.records()).isEmpty();
  }

  @Test
  void aCameraWithAHeartbeatIntervalIsWatchedToo() {
    d = new AlertDriver(Map.of("alerts.silence.factor", "2"), NOW);
    d.deployCamera("CT-H", 39.47, 67.60, Instant.parse("2026-01-01T00:00:00Z"), 86_400);
    d.event("CT-H", NOW, detection(DetectionClass.ANIMAL, AlertDriver.DEER, 0.9));
    d.advanceWallClock(Duration.ofHours(47));
    assertThat(d.latest(AlertType.SILENCE)).isEmpty();
    d.advanceWallClock(Duration.ofHours(2));
    assertThat(d.latest(AlertType.SILENCE)).extracting(Alert::getDeviceId).containsExactly("CT-H");
  }
}
