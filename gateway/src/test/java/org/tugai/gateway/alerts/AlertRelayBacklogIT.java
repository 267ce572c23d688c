package org.tugai.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.Severity;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.embedded.MosquittoProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.mqtt.SessionTakeovers;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A backlog after an outage: 1,000 alert records (500 alerts, each updated once) with three
 * channels each are waiting in Kafka when the relay starts, against a real Mosquitto that takes at
 * most 20 publishes in flight. Every publish arrives exactly once, the updates of each alert in
 * order on every channel, the relay never has more in flight than the broker's receive maximum, and
 * the offsets end committed.
 */
@ExtendWith(TugaiInfrastructure.class)
class AlertRelayBacklogIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aBacklogDrainsExactlyOnceInOrderWithinTheBrokersWindow(Infrastructure infra)
      throws Exception {
    Assumptions.assumeTrue(MosquittoProcess.binary().isPresent(), "needs mosquitto");
    String prefix = Infrastructure.uniqueName("backlog") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    KafkaSettings kafka =
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    infra.kafkaBootstrapServers(),
                    "kafka.topic-prefix",
                    prefix)));
    List<String> zones =
        List.of(
            Infrastructure.uniqueName("z1"),
            Infrastructure.uniqueName("z2"),
            Infrastructure.uniqueName("z3"));
    int alerts = 500;
    TopicAdmin.ensure(kafka, List.of(topics.alerts()));
    // The backlog is written before any relay runs. Right after the topic is made its leaders may
    // still move; one request in flight keeps each alert's two updates in order through the retries
    // that causes.
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers",
                infra.kafkaBootstrapServers(),
                "enable.idempotence",
                false,
                "acks",
                "all",
                "max.in.flight.requests.per.connection",
                1),
            new StringSerializer(),
            new ByteArraySerializer())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  producer.partitionsFor(topics.alerts().name()).stream()
                      .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
      for (int update = 1; update <= 2; update++) {
        for (int i = 0; i < alerts; i++) {
          Alert a =
              Alert.newBuilder()
                  .setAlertId("CT-" + i + "|intrusion|1781550000000")
                  .setType(AlertType.INTRUSION)
                  .setSeverity(Severity.HIGH)
                  .setStatus(AlertStatus.OPEN)
                  .setTitle("update " + update)
                  .setFirstSeen(Instant.parse("2026-06-15T19:00:00Z"))
                  .setLastSeen(Instant.parse("2026-06-15T19:00:00Z").plusSeconds(update))
                  .setZones(zones)
                  .setChannels(zones)
                  .setUpdatedAt(Instant.parse("2026-06-15T19:00:01Z").plusSeconds(update))
                  .build();
          producer.send(
              new ProducerRecord<>(
                  topics.alerts().name(),
                  a.getAlertId(),
                  topics.alerts().valueSerde().serializer().serialize(topics.alerts().name(), a)));
        }
      }
      producer.flush();
    }

    try (MosquittoProcess broker = MosquittoProcess.start("max_inflight_messages 20")) {
      Map<String, List<String>> received = new ConcurrentHashMap<>();
      AtomicInteger total = new AtomicInteger();
      MqttClient ranger =
          new MqttClient(
              broker.url(), Infrastructure.uniqueName("ranger"), new MemoryPersistence());
      ranger.connect(new MqttConnectionOptions());
      for (String zone : zones) {
        ranger.subscribe(
            new MqttSubscription[] {new MqttSubscription(MqttTopics.alerts(zone), 1)},
            new IMqttMessageListener[] {
              (t, m) -> {
                JsonNode alert = JSON.readTree(m.getPayload());
                received
                    .computeIfAbsent(
                        t + " " + alert.path("alertId").asText(), k -> new CopyOnWriteArrayList<>())
                    .add(alert.path("title").asText());
                total.incrementAndGet();
              }
            });
      }
      AlertRelay relay =
          new AlertRelay(
              kafka,
              new MqttSettings(broker.url(), Optional.empty(), Optional.empty(), Optional.empty()),
              Infrastructure.uniqueName("relay"),
              "relay",
              topics.alerts(),
              AlertChannels.from(Settings.of(Map.of())),
              new SessionTakeovers(new SimpleMeterRegistry(), Clock.systemUTC()),
              new org.tugai.core.service.ServiceFailure("gateway"));
      List<Integer> inFlight = new CopyOnWriteArrayList<>();
      Thread sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  inFlight.add(relay.inFlight());
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      long started = System.nanoTime();
      relay.start();
      sampler.start();
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> total.get() >= alerts * 2 * zones.size());
        System.out.printf(
            "backlog of %d publishes drained in %.1f s%n",
            total.get(), (System.nanoTime() - started) / 1e9);
        Map<TopicPartition, Long> ends = endOffsets(infra, topics.alerts().name());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> committed(infra, prefix + "relay", ends.keySet()).equals(ends));
      } finally {
        sampler.interrupt();
        relay.close();
        ranger.disconnect();
      }
      assertThat(received).hasSize(alerts * zones.size());
      assertThat(received.values())
          .allSatisfy(titles -> assertThat(titles).containsExactly("update 1", "update 2"));
      assertThat(total.get()).isEqualTo(alerts * 2 * zones.size());
      assertThat(inFlight).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(20));
      assertThat(relay.publishedCount()).isEqualTo(alerts * 2L * zones.size());
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Infrastructure infra, String topic)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrapServers()))) {
      int partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(10, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(10, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.put(tp, info.offset()));
      ends.values().removeIf(o -> o == 0);
      return ends;
    }
  }

  private static Map<TopicPartition, Long> committed(
      Infrastructure infra, String group, Set<TopicPartition> partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.forEach(
          (tp, o) -> {
            if (partitions.contains(tp) && o != null) {
              out.put(tp, o.offset());
            }
          });
      return out;
    }
  }
}
