package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.DeadLetter;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * The spine over real Kafka, a real MQTT broker and real PostgreSQL: a plain MQTT client in, rows
 * out.
 */
@ExtendWith(TugaiInfrastructure.class)
class SpineIT {

  @TempDir static Path state;

  static Services services;
  static Infrastructure.Database db;
  static String bootstrap;
  static String mqttUrl;
  static Topics topics;
  static MqttClient device;

  @BeforeAll
  static void startPipeline(Infrastructure infra) throws Exception {
    String prefix = Infrastructure.uniqueName("it") + ".";
    bootstrap = infra.kafkaBootstrapServers();
    mqttUrl = infra.mqttUrl();
    db = infra.newDatabase();
    topics = Topics.of(prefix, SchemaCatalog.released());
    Settings settings =
        Settings.of(
            Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", bootstrap),
                Map.entry("kafka.topic-prefix", prefix),
                Map.entry("kafka.partitions", "2"),
                Map.entry("mqtt.url", mqttUrl),
                Map.entry("db.url", db.url()),
                Map.entry("db.user", db.user()),
                Map.entry("db.password", db.password()),
                Map.entry("gateway.client-id", Infrastructure.uniqueName("gateway")),
                Map.entry("gateway.session-expiry", "60s"),
                Map.entry("streams.state-dir", state.toString()),
                Map.entry("streams.commit-interval", "100ms"),
                Map.entry("metrics.port", "0")));
    services = Services.configure(settings, Set.of("ingest", "streams", "gateway"));
    services.start();
    device = new MqttClient(mqttUrl, Infrastructure.uniqueName("device"), new MemoryPersistence());
    device.connect(new MqttConnectionOptions());
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    if (device != null && device.isConnected()) {
      device.disconnect();
    }
    if (services != null) {
      services.close();
    }
  }

  private static void publish(String collar, String json) throws Exception {
    MqttPublishing.publish(
        device, MqttTopics.collarFixes(collar), json.getBytes(StandardCharsets.UTF_8));
  }

  private static String fixJson(String collar, Instant time, double lat) {
    return "{\"collarId\":\""
        + collar
        + "\",\"fixTime\":\""
        + time
        + "\",\"lat\":"
        + lat
        + ",\"lon\":68.127,"
        + "\"altitudeM\":391,\"hdop\":1.2,\"satellites\":7,\"fixType\":\"3D\",\"temperatureC\":14.5,\"batteryV\":3.61,"
        + "\"mortality\":false,\"activity\":42}";
  }

  private static long rows(String sql, String collar) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, collar);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aFixPublishedThreeTimesIsStoredExactlyOnce() throws Exception {
    String collar = Infrastructure.uniqueName("TJ-BD");
    Instant fixTime = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      publish(collar, fixJson(collar, fixTime, 37.312));
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rows("SELECT count(*) FROM fixes WHERE collar_id = ?", collar) == 1);
    // The gateway passed all three on; streams let one through; the store holds one.
    assertThat(recordsFor(topics.fixes().name(), collar)).hasSize(3);
    assertThat(recordsFor(topics.fixesEnriched().name(), collar)).hasSize(1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> rows("SELECT count(*) FROM fixes WHERE collar_id = ?", collar) == 1);

    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT fix_time, lat, lon, fix_type, satellites, battery_v, mortality, source "
                    + "FROM fixes WHERE collar_id = ?")) {
      ps.setString(1, collar);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp("fix_time").toInstant()).isEqualTo(fixTime);
        assertThat(rs.getDouble("lat")).isEqualTo(37.312);
        assertThat(rs.getDouble("lon")).isEqualTo(68.127);
        assertThat(rs.getString("fix_type")).isEqualTo("3D");
        assertThat(rs.getInt("satellites")).isEqualTo(7);
        assertThat(rs.getDouble("battery_v")).isEqualTo(3.61);
        assertThat(rs.getBoolean("mortality")).isFalse();
        assertThat(rs.getString("source")).isEqualTo("local:tugai/v1/collars/" + collar + "/fixes");
      }
    }
  }

  @Test
  void aMalformedMessageIsDeadLetteredWithAReasonAndTheNextGoodOneStillGetsThrough()
      throws Exception {
    String collar = Infrastructure.uniqueName("TJ-BD");
    String broken = "{\"collarId\":\"" + collar + "\",\"fixTime\":\"2026-03-01T04:";
    publish(collar, broken);
    publish(
        collar,
        fixJson(
            collar,
            Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS),
            37.5));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rows("SELECT count(*) FROM fixes WHERE collar_id = ?", collar) == 1);
    List<ConsumerRecord<String, byte[]>> letters = recordsFor(topics.deadLetters().name(), collar);
    assertThat(letters).hasSize(1);
    DeadLetter letter =
        topics
            .deadLetters()
            .valueSerde()
            .deserializer()
            .deserialize(topics.deadLetters().name(), letters.get(0).value());
    assertThat(letter.getReasonCode()).isEqualTo("parse-error");
    assertThat(letter.getReason()).startsWith("payload is not valid JSON");
    assertThat(new String(letter.getPayload().array(), StandardCharsets.UTF_8)).isEqualTo(broken);
    assertThat(letter.getSource()).isEqualTo("local:tugai/v1/collars/" + collar + "/fixes");
    // Operators inspect dead letters in the store too.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                rows(
                        "SELECT count(*) FROM dead_letters WHERE device_id = ? AND reason_code = 'parse-error'",
                        collar)
                    == 1);
  }

  @Test
  void aBatchUploadStoresEveryGoodFixAndDeadLettersTheBadOne() throws Exception {
    String collar = Infrastructure.uniqueName("TJ-BD");
    Instant t = Instant.now().minus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    String batch =
        "["
            + fixJson(collar, t, 37.1)
            + ","
            + fixJson(collar, t.plusSeconds(900), 91.0)
            + ","
            + fixJson(collar, t.plusSeconds(1800), 37.2)
            + ","
            + "{\"collarId\":\""
            + collar
            + "\",\"fixTime\":\""
            + t.plusSeconds(2700)
            + "\",\"fixType\":\"none\",\"batteryV\":3.4}]";
    publish(collar, batch);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rows("SELECT count(*) FROM fixes WHERE collar_id = ?", collar) == 3);
    assertThat(
            rows(
                "SELECT count(*) FROM fixes WHERE collar_id = ? AND fix_type = 'none' AND lat IS NULL",
                collar))
        .isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                rows(
                        "SELECT count(*) FROM dead_letters WHERE device_id = ? AND reason_code = 'out-of-range'",
                        collar)
                    == 1);
  }

  @Test
  void theGatewaysCountersAreOnThePrometheusEndpoint() throws Exception {
    String collar = Infrastructure.uniqueName("TJ-BD");
    publish(collar, "{\"collarId\":\"" + collar + "\"");
    publish(
        collar,
        fixJson(
            collar,
            Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS),
            37.4));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rows("SELECT count(*) FROM fixes WHERE collar_id = ?", collar) == 1);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + services.get(MetricsServer.class).port()
                                + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("tugai_gateway_received_total")
        .contains("tugai_gateway_in_flight")
        .contains("tugai_gateway_deadletters_total{reason=\"parse-error\"}")
        .contains("tugai_gateway_ack_latency_seconds")
        .contains("tugai_gateway_produced_total{topic=")
        .contains("tugai_ingest_rows_total{table=\"fixes\"}");
  }

  /** All records of a topic with the given key, read from the beginning. */
  static List<ConsumerRecord<String, byte[]>> recordsFor(String topic, String key) {
    return TopicContents.read(bootstrap, topic).stream().filter(r -> key.equals(r.key())).toList();
  }
}
