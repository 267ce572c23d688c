package org.tugai.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * The pipeline's event logs keep records for their retention from when they arrived: a record that
 * carries a fix time two years old (what streams passes on during a replay of a study) is stamped
 * with its arrival, so the broker's retention check does not delete it before it is stored; a topic
 * an earlier version made is brought to the same.
 */
@ExtendWith(TugaiInfrastructure.class)
class TopicRetentionIT {

  @Test
  void eventLogsAreStampedOnArrivalAndOldTopicsAreBroughtToIt(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("retention") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    KafkaSettings kafka =
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    infra.kafkaBootstrapServers(),
                    "kafka.topic-prefix",
                    prefix)));
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      // As Tugai 0.1 made it: record times as the producer gave them.
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.crossings().name(), 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      TopicAdmin.ensure(
          kafka, List.of(topics.crossings(), topics.fixesEnriched(), topics.deployments()));
      // The controller commits the change before every broker applies it: a describe a moment
      // later may still show the old value.
      for (String name : List.of(topics.crossings().name(), topics.fixesEnriched().name())) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> assertThat(timestampType(admin, name)).as(name).isEqualTo("LogAppendTime"));
      }
      assertThat(timestampType(admin, topics.deployments().name()))
          .as("a compacted table keeps the default")
          .isEqualTo("CreateTime");
    }
    Instant twoYearsAgo = Instant.now().minus(Duration.ofDays(730));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.fixesEnriched().name(),
                  null,
                  twoYearsAgo.toEpochMilli(),
                  "C1",
                  "a fix of 2024"))
          .get();
    }
    ConsumerRecord<String, byte[]> stored =
        TopicContents.read(infra.kafkaBootstrapServers(), topics.fixesEnriched().name()).get(0);
    assertThat(Instant.ofEpochMilli(stored.timestamp()))
        .isAfter(Instant.now().minus(Duration.ofMinutes(5)));
  }

  private static String timestampType(Admin admin, String topic) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin
        .describeConfigs(List.of(r))
        .all()
        .get(30, TimeUnit.SECONDS)
        .get(r)
        .get("message.timestamp.type")
        .value();
  }
}
