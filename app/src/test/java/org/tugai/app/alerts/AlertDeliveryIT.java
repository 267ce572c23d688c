package org.tugai.app.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.embedded.WebhookReceiver;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;
import org.tugai.streams.StreamsService;
import org.tugai.streams.StreamsServiceConfig;

/**
 * A person at a protected-zone camera, published by a plain MQTT client, reaches the rangers' MQTT
 * topic and a webhook; with the webhook receiver dead, MQTT delivery goes on and the webhook's
 * alert is dead-lettered; a ranger's acknowledgement over MQTT comes back as the acknowledged
 * alert.
 */
@ExtendWith(TugaiInfrastructure.class)
class AlertDeliveryIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ZONE = "pa-zarafshon-tj";
  @TempDir Path state;

  @Test
  void aDetectionBecomesAnAlertOnMqttAndTheWebhookAndADeadWebhookDelaysNothing(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("alerts") + ".";
    String camera = Infrastructure.uniqueName("CT").replace("-", "");
    String camera2 = camera + "b";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    try (WebhookReceiver zoneHook = new WebhookReceiver("X-Ranger-Key");
        WebhookReceiver allHook = new WebhookReceiver("X-Tugai-Secret")) {
      Infrastructure.Database db = infra.newDatabase();
      Map<String, String> values =
          new HashMap<>(
              Map.of(
                  "kafka.bootstrap-servers",
                  infra.kafkaBootstrapServers(),
                  "kafka.topic-prefix",
                  prefix,
                  "mqtt.url",
                  infra.mqttUrl(),
                  "gateway.client-id",
                  Infrastructure.uniqueName("gw"),
                  "gateway.unknown-devices",
                  "accept",
                  "streams.state-dir",
                  state.toString(),
                  "streams.commit-interval",
                  "100ms"));
      values.put("alerts.channels." + ZONE + ".webhook-url", zoneHook.url());
      values.put("alerts.channels." + ZONE + ".webhook-secret-header", "X-Ranger-Key");
      values.put("alerts.channels." + ZONE + ".webhook-secret", "s3cret");
      values.put("alerts.channels.all.webhook-url", allHook.url());
      values.put("alerts.channels.all.precise", "true");
      // A receiver that stops answering is waited for 20 s (an outage), then its alerts are
      // dead-lettered: far longer than MQTT delivery may take below.
      values.put("alerts.webhook.attempts", "4");
      values.put("alerts.webhook.backoff", "5s");
      values.put("alerts.webhook.outage", "20s");
      values.put("db.url", db.url());
      values.put("db.user", db.user());
      values.put("db.password", db.password());
      Settings settings = Settings.of(values);
      try (StreamsService streams = new StreamsService(StreamsServiceConfig.from(settings));
          GatewayService gateway =
              new GatewayService(
                  GatewayConfig.from(settings), new SimpleMeterRegistry(), Clock.systemUTC());
          IngestService ingest =
              new IngestService(IngestConfig.from(settings), new SimpleMeterRegistry())) {
        streams.start();
        gateway.start();
        ingest.start();
        deploy(infra, topics, camera, 39.47, 67.60);
        deploy(infra, topics, camera2, 39.48, 67.61);

        List<JsonNode> onMqtt = new CopyOnWriteArrayList<>();
        MqttClient ranger =
            new MqttClient(
                infra.mqttUrl(), Infrastructure.uniqueName("ranger"), new MemoryPersistence());
        ranger.connect(new MqttConnectionOptions());
        ranger.subscribe(
            new MqttSubscription[] {new MqttSubscription(MqttTopics.alerts(ZONE), 1)},
            new IMqttMessageListener[] {(t, m) -> onMqtt.add(JSON.readTree(m.getPayload()))});
        MqttClient device =
            new MqttClient(
                infra.mqttUrl(), Infrastructure.uniqueName("cam"), new MemoryPersistence());
        device.connect(new MqttConnectionOptions());
        try {
          Instant t = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
          MqttPublishing.publish(
              device, MqttTopics.cameraDetections(camera), detection(camera, "e1", t));

          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> onMqtt.stream().anyMatch(j -> camera.equals(j.path("deviceId").asText())));
          JsonNode alert =
              onMqtt.stream()
                  .filter(j -> camera.equals(j.path("deviceId").asText()))
                  .findFirst()
                  .orElseThrow();
          String alertId = alert.path("alertId").asText();
          assertThat(alert.path("type").asText()).isEqualTo("intrusion");
          assertThat(alert.path("status").asText()).isEqualTo("open");
          assertThat(alert.path("evidence").toString()).contains("event:" + camera + "/e1");
          // The zone channel is not configured precise: the location is the centre of a 0.01 degree
          // cell.
          assertThat(alert.path("location").path("roundedToDeg").asDouble()).isEqualTo(0.01);
          assertThat(alert.path("location").path("lat").asDouble()).isEqualTo(39.475);

          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> zoneHook.posts.size() >= 1 && allHook.posts.size() >= 1);
          WebhookReceiver.Post zonePost = zoneHook.posts.get(0);
          assertThat(zonePost.secret()).isEqualTo("s3cret");
          assertThat(zonePost.alertIdHeader()).isEqualTo(alertId);
          assertThat(zonePost.body().path("channel").asText()).isEqualTo(ZONE);
          assertThat(zonePost.body().path("location").path("lat").asDouble()).isEqualTo(39.475);
          WebhookReceiver.Post allPost = allHook.posts.get(0);
          assertThat(allPost.secret()).isNull();
          assertThat(allPost.body().path("location").path("lat").asDouble()).isEqualTo(39.47);
          assertThat(allPost.body().path("location").has("roundedToDeg")).isFalse();

          // The zone's webhook receiver dies. A second intrusion still reaches the rangers over
          // MQTT, and the other webhook, while the dead one is still retrying; then it lands in the
          // dead letters.
          zoneHook.close();
          MqttPublishing.publish(
              device,
              MqttTopics.cameraDetections(camera2),
              detection(camera2, "e2", t.plusSeconds(5)));
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      onMqtt.stream().anyMatch(j -> camera2.equals(j.path("deviceId").asText()))
                          && allHook.posts.stream()
                              .anyMatch(p -> camera2.equals(p.body().path("deviceId").asText())));
          assertThat(webhookFailures(infra, topics))
              .as("the dead webhook is still retrying")
              .isZero();
          await().atMost(Duration.ofSeconds(90)).until(() -> webhookFailures(infra, topics) > 0);

          // Acknowledgements the store could not hold, or claiming someone else, are refused with a
          // reason ...
          String ackTopic = "tugai/v1/acks/" + ZONE + "/ranger-dilnoza/" + alertId;
          MqttPublishing.publish(
              device,
              ackTopic,
              "{\"note\": \"on our way\\u0000\"}".getBytes(StandardCharsets.UTF_8));
          MqttPublishing.publish(
              device,
              ackTopic,
              ("{\"note\": \"" + "x".repeat(2_001) + "\"}").getBytes(StandardCharsets.UTF_8));
          MqttPublishing.publish(
              device, ackTopic, "{\"by\": \"admin\"}".getBytes(StandardCharsets.UTF_8));
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      deadLetterCodes(infra, topics)
                          .containsAll(List.of("bad-text", "identity-mismatch")));
          // ... and the ranger's real acknowledgement, on their zone as themselves, comes back
          // acknowledged, with who.
          MqttPublishing.publish(
              device, ackTopic, "{\"note\": \"on our way\"}".getBytes(StandardCharsets.UTF_8));
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      onMqtt.stream()
                          .anyMatch(
                              j ->
                                  alertId.equals(j.path("alertId").asText())
                                      && "acknowledged".equals(j.path("status").asText())));
          JsonNode acked =
              onMqtt.stream()
                  .filter(
                      j ->
                          alertId.equals(j.path("alertId").asText())
                              && "acknowledged".equals(j.path("status").asText()))
                  .findFirst()
                  .orElseThrow();
          assertThat(acked.path("acknowledgedBy").asText()).isEqualTo("ranger-dilnoza");
          assertThat(acked.path("note").asText()).isEqualTo("on our way");
          assertThat(acked.path("ackTopic").asText())
              .isEqualTo("tugai/v1/acks/" + ZONE + "/{user}/" + alertId);

          // The camera keeps seeing people: the alert keeps updating in the store, acknowledged,
          // with who and how.
          MqttPublishing.publish(
              device,
              MqttTopics.cameraDetections(camera),
              detection(camera, "e3", t.plusSeconds(30)));
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> {
                    try (Connection c =
                            DriverManager.getConnection(db.url(), db.user(), db.password());
                        PreparedStatement ps =
                            c.prepareStatement(
                                "SELECT status, acknowledged_by, acknowledged_via, evidence FROM alerts WHERE alert_id = ?")) {
                      ps.setString(1, alertId);
                      try (ResultSet rs = ps.executeQuery()) {
                        return rs.next()
                            && "acknowledged".equals(rs.getString(1))
                            && "ranger-dilnoza".equals(rs.getString(2))
                            && rs.getString(3).equals("mqtt-user:ranger-dilnoza on channel " + ZONE)
                            && List.of((String[]) rs.getArray(4).getArray())
                                .contains("event:" + camera + "/e3");
                      }
                    }
                  });
        } finally {
          device.disconnect();
          ranger.disconnect();
        }
      }
    }
  }

  static List<String> deadLetterCodes(Infrastructure infra, Topics topics) {
    return TopicContents.read(infra.kafkaBootstrapServers(), topics.deadLetters().name()).stream()
        .map(
            r ->
                topics
                    .deadLetters()
                    .valueSerde()
                    .deserializer()
                    .deserialize(r.topic(), r.value())
                    .getReasonCode())
        .toList();
  }

  static long webhookFailures(Infrastructure infra, Topics topics) {
    return TopicContents.read(infra.kafkaBootstrapServers(), topics.deadLetters().name()).stream()
        .map(
            r -> topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(d -> "webhook-failed".equals(d.getReasonCode()) && d.getSource().contains(ZONE))
        .count();
  }

  static byte[] detection(String camera, String eventId, Instant t) {
    return ("{\"cameraId\": \""
            + camera
            + "\", \"eventId\": \""
            + eventId
            + "\", \"capturedAt\": \""
            + t
            + "\", "
            + "\"media\": [\""
            + eventId
            + ".jpg\"], \"model\": \"MDv5a\", "
            + "\"detections\": [{\"class\": \"person\", \"confidence\": 0.93, \"bbox\": [0.40, 0.38, 0.17, 0.24]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static void deploy(Infrastructure infra, Topics topics, String camera, double lat, double lon)
      throws Exception {
    deploy(infra.kafkaBootstrapServers(), topics, camera, lat, lon);
  }

  static void deploy(String bootstrap, Topics topics, String camera, double lat, double lon)
      throws Exception {
    Deployment d =
        Deployment.newBuilder()
            .setDeploymentId("dep-" + camera)
            .setDeviceId(camera)
            .setDeviceType(DeviceType.CAMERA)
            .setSiteId("site-" + camera)
            .setLat(lat)
            .setLon(lon)
            .setDeployOn(Instant.parse("2026-01-01T00:00:00Z"))
            .build();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.deployments().name(),
                  d.getDeploymentId(),
                  topics.deployments().valueSerde().serializer().serialize("t", d)))
          .get(30, TimeUnit.SECONDS);
    }
  }
}
