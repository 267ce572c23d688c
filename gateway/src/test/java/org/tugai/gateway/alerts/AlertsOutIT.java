package org.tugai.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertAck;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.Severity;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/** Alerts reach rangers on their zone's MQTT topic; their acknowledgements reach Kafka. */
@ExtendWith(TugaiInfrastructure.class)
class AlertsOutIT {

  static GatewayService gateway;
  static Topics topics;
  static String bootstrap;
  static String prefix;
  static MqttClient ranger;

  @BeforeAll
  static void start(Infrastructure infra) throws Exception {
    prefix = Infrastructure.uniqueName("alerts") + ".";
    bootstrap = infra.kafkaBootstrapServers();
    topics = Topics.of(prefix, SchemaCatalog.released());
    gateway =
        new GatewayService(
            GatewayConfig.from(
                Settings.of(
                    Map.of(
                        "kafka.bootstrap-servers",
                        bootstrap,
                        "kafka.topic-prefix",
                        prefix,
                        "mqtt.url",
                        infra.mqttUrl(),
                        "gateway.client-id",
                        Infrastructure.uniqueName("gw")))),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    gateway.start();
    ranger =
        new MqttClient(
            infra.mqttUrl(), Infrastructure.uniqueName("ranger"), new MemoryPersistence());
    ranger.connect(new MqttConnectionOptions());
  }

  @AfterAll
  static void stop() throws Exception {
    ranger.disconnect();
    gateway.close();
  }

  @Test
  void anAlertIsPublishedOnEachOfItsZoneChannelsAndItsOffsetCommittedAfterwards() throws Exception {
    String zone = Infrastructure.uniqueName("zone");
    String otherZone = Infrastructure.uniqueName("zone");
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    IMqttMessageListener listener =
        (t, m) -> received.add(new ObjectMapper().readTree(m.getPayload()));
    ranger.subscribe(
        new MqttSubscription[] {
          new MqttSubscription(MqttTopics.alerts(zone), 1),
          new MqttSubscription(MqttTopics.alerts(otherZone), 1)
        },
        new IMqttMessageListener[] {listener, listener});
    String alertId = Infrastructure.uniqueName("alert");
    Alert alert =
        Alert.newBuilder()
            .setAlertId(alertId)
            .setType(AlertType.INTRUSION)
            .setSeverity(Severity.CRITICAL)
            .setStatus(AlertStatus.OPEN)
            .setTitle("Person at night in core zone")
            .setFirstSeen(Instant.parse("2026-03-01T00:12:09Z"))
            .setLastSeen(Instant.parse("2026-03-01T00:12:09Z"))
            .setLat(37.31)
            .setLon(68.12)
            .setZones(List.of(zone))
            .setChannels(List.of(zone, otherZone))
            .setDeviceId("CT-UZ4-03")
            .setEvidence(List.of("event:CT-UZ4-03/e1"))
            .setUpdatedAt(Instant.now())
            .build();
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.alerts().name(),
                  alertId,
                  topics
                      .alerts()
                      .valueSerde()
                      .serializer()
                      .serialize(topics.alerts().name(), alert)))
          .get(30, TimeUnit.SECONDS);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 2);
    JsonNode json = received.get(0);
    assertThat(json.get("alertId").asText()).isEqualTo(alertId);
    assertThat(json.get("type").asText()).isEqualTo("intrusion");
    assertThat(json.get("severity").asText()).isEqualTo("critical");
    // No channel is configured precise: the location is the centre of its 0.01 degree cell.
    assertThat(json.get("location").get("lat").asDouble()).isEqualTo(37.315);
    assertThat(json.get("location").get("roundedToDeg").asDouble()).isEqualTo(0.01);
    assertThat(json.get("ackTopic").asText())
        .isIn(
            "tugai/v1/acks/" + zone + "/{user}/" + alertId,
            "tugai/v1/acks/" + otherZone + "/{user}/" + alertId);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  admin
                          .listConsumerGroupOffsets(prefix + "tugai-gateway-alerts")
                          .partitionsToOffsetAndMetadata()
                          .get()
                          .values()
                          .stream()
                          .mapToLong(o -> o.offset())
                          .sum()
                      == 1);
    }
  }

  @Test
  void aRangersAcknowledgementGoesToKafka() throws Exception {
    String alertId = Infrastructure.uniqueName("alert");
    ranger.publish(
        "tugai/v1/acks/pa-x/ranger-12/" + alertId,
        "{\"note\": \"on my way\"}".getBytes(StandardCharsets.UTF_8),
        1,
        false);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.alertAcks().name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<AlertAck> acks = new CopyOnWriteArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (alertId.equals(r.key())) {
                            acks.add(
                                topics
                                    .alertAcks()
                                    .valueSerde()
                                    .deserializer()
                                    .deserialize(r.topic(), r.value()));
                          }
                        });
                return !acks.isEmpty();
              });
      assertThat(acks.get(0).getBy()).isEqualTo("ranger-12");
      assertThat(acks.get(0).getNote()).isEqualTo("on my way");
      assertThat(acks.get(0).getSource()).endsWith("tugai/v1/acks/pa-x/ranger-12/" + alertId);
      assertThat(acks.get(0).getChannel()).isEqualTo("pa-x");
    }
  }
}
