package org.tugai.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.Severity;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;

class AlertChannelsTest {

  static final Alert ALERT =
      Alert.newBuilder()
          .setAlertId("CT-1|intrusion|1")
          .setType(AlertType.INTRUSION)
          .setSeverity(Severity.HIGH)
          .setStatus(AlertStatus.OPEN)
          .setTitle("Person")
          .setFirstSeen(Instant.EPOCH)
          .setLastSeen(Instant.EPOCH)
          .setLat(39.4712345)
          .setLon(67.6051)
          .setZones(List.of("pa-z"))
          .setChannels(List.of("pa-z"))
          .setUpdatedAt(Instant.EPOCH)
          .build();

  @Test
  void channelsAreReadWithTheirWebhooksAndPrecision() {
    AlertChannels c =
        AlertChannels.from(
            Settings.of(
                Map.of(
                    "alerts.channels.pa-z.precise",
                    "true",
                    "alerts.channels.all.webhook-url",
                    "https://er.example.org/hook",
                    "alerts.channels.all.webhook-secret",
                    "x")));
    assertThat(c.gridDeg("pa-z")).isZero();
    assertThat(c.gridDeg("other")).isEqualTo(0.01);
    assertThat(c.webhooks()).extracting(AlertChannels.Channel::id).containsExactly("all");
    assertThat(c.webhooks().get(0).secretHeader()).isEqualTo("X-Tugai-Secret");
  }

  @Test
  void aBadWebhookIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(
            () ->
                AlertChannels.from(
                    Settings.of(Map.of("alerts.channels.x.webhook-url", "ftp://nope"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerts.channels.x.webhook-url");
    assertThatThrownBy(
            () ->
                AlertChannels.from(
                    Settings.of(Map.of("alerts.channels.x.webhook-secret-header", "bad header:"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerts.channels.x.webhook-secret-header");
  }

  @Test
  void channelsThatAreNotPreciseGetTheCentreOfTheirGridCell() throws Exception {
    JsonNode rounded = new ObjectMapper().readTree(AlertJson.toJson(ALERT, "pa-z", 0.01));
    assertThat(rounded.path("location").path("lat").asDouble()).isEqualTo(39.475);
    assertThat(rounded.path("location").path("lon").asDouble()).isEqualTo(67.605);
    assertThat(rounded.path("channel").asText()).isEqualTo("pa-z");
    JsonNode precise = new ObjectMapper().readTree(AlertJson.toJson(ALERT, "pa-z", 0));
    assertThat(precise.path("location").path("lat").asDouble()).isEqualTo(39.4712345);
    assertThat(precise.path("location").has("roundedToDeg")).isFalse();
  }
}
