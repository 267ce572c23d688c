package org.tugai.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Severity;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.service.ServiceFailure;
import org.tugai.embedded.WebhookReceiver;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A webhook receiver that is down (connections refused) is an outage, not five bad alerts: with two
 * tries per alert, every alert still arrives once it is back, even when the gateway was stopped and
 * started again meanwhile; only a receiver down for longer than {@code alerts.webhook.outage} gets
 * its alerts dead-lettered, with the reason.
 */
@ExtendWith(TugaiInfrastructure.class)
class WebhookOutageIT {

  private static final int ALERTS = 5;

  @Test
  void aReceiverDownForAWhileGetsEveryAlertOnceBackThroughARestartOfTheRelay(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("hookdown") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    try (WebhookReceiver receiver = new WebhookReceiver("X-Tugai-Secret", 0, false)) {
      KafkaSettings kafka = backlog(infra, prefix, topics);
      AlertChannels channels = channels(receiver, "10m");
      WebhookRelay first = relay(kafka, topics, channels);
      first.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> first.problem().isPresent());
        assertThat(first.problem().orElseThrow()).contains("has not answered since");
      } finally {
        // Stopped in the middle of waiting for the receiver: what it was trying must not count as
        // delivered.
        first.close();
      }
      receiver.up();
      WebhookRelay second = relay(kafka, topics, channels);
      second.start();
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> receiver.alertIds().stream().distinct().count() == ALERTS);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.problem().isEmpty());
      } finally {
        second.close();
      }
      assertThat(receiver.alertIds()).containsExactlyInAnyOrderElementsOf(ids());
      assertThat(deadLetters(infra, topics)).as("an outage dead-letters nothing").isEmpty();
    }
  }

  @Test
  void aReceiverDownForLongerThanTheOutageLimitHasItsAlertsDeadLettered(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("hookgone") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    try (WebhookReceiver receiver = new WebhookReceiver("X-Tugai-Secret", 0, false)) {
      KafkaSettings kafka = backlog(infra, prefix, topics);
      WebhookRelay relay = relay(kafka, topics, channels(receiver, "2s"));
      relay.start();
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> deadLetters(infra, topics).size() == ALERTS);
      } finally {
        relay.close();
      }
      assertThat(deadLetters(infra, topics))
          .allSatisfy(
              d -> {
                assertThat(d.getReasonCode()).isEqualTo("webhook-failed");
                assertThat(d.getReason()).contains("has not answered since");
              });
      assertThat(receiver.posts).isEmpty();
    }
  }

  private static KafkaSettings backlog(Infrastructure infra, String prefix, Topics topics)
      throws Exception {
    KafkaSettings kafka =
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    infra.kafkaBootstrapServers(),
                    "kafka.topic-prefix",
                    prefix)));
    TopicAdmin.ensure(kafka, List.of(topics.alerts(), topics.deadLetters()));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (String id : ids()) {
        Alert a =
            Alert.newBuilder()
                .setAlertId(id)
                .setType(AlertType.INTRUSION)
                .setSeverity(Severity.HIGH)
                .setStatus(AlertStatus.OPEN)
                .setTitle("person at the camera")
                .setFirstSeen(Instant.parse("2026-06-15T19:00:00Z"))
                .setLastSeen(Instant.parse("2026-06-15T19:00:00Z"))
                .setZones(List.of("pa-test"))
                .setChannels(List.of("pa-test"))
                .setUpdatedAt(Instant.parse("2026-06-15T19:00:01Z"))
                .build();
        producer
            .send(
                new ProducerRecord<>(
                    topics.alerts().name(),
                    id,
                    topics.alerts().valueSerde().serializer().serialize(topics.alerts().name(), a)))
            .get();
      }
    }
    return kafka;
  }

  private static List<String> ids() {
    return IntStream.range(0, ALERTS)
        .mapToObj(i -> "CT-" + i + "|intrusion|1781550000000")
        .toList();
  }

  private static AlertChannels channels(WebhookReceiver receiver, String outage) {
    Map<String, Object> values = new HashMap<>();
    values.put("alerts.channels.all.webhook-url", receiver.url());
    values.put("alerts.webhook.attempts", "2");
    values.put("alerts.webhook.backoff", "50ms");
    values.put("alerts.webhook.timeout", "2s");
    values.put("alerts.webhook.outage", outage);
    return AlertChannels.from(Settings.of(values));
  }

  private static WebhookRelay relay(KafkaSettings kafka, Topics topics, AlertChannels channels) {
    return new WebhookRelay(
        kafka,
        "relay",
        "hook-test",
        topics.alerts(),
        topics.deadLetters(),
        channels,
        channels.webhooks().get(0),
        new ServiceFailure("gateway"));
  }

  private static List<DeadLetter> deadLetters(Infrastructure infra, Topics topics) {
    return TopicContents.read(infra.kafkaBootstrapServers(), topics.deadLetters().name()).stream()
        .map(
            r -> topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }
}
