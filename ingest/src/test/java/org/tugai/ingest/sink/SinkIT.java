package org.tugai.ingest.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.ingest.Samples;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.TopicSpec;
import org.tugai.schemas.Topics;

/**
 * Every topic the sink reads, over a real broker into real PostgreSQL: duplicates and a restart
 * never double a row; undecodable records and rows the database refuses become dead letters, and
 * everything else still lands.
 */
@ExtendWith(TugaiInfrastructure.class)
class SinkIT {

  @Test
  void everyTopicLandsOnceAndBadRecordsBecomeDeadLetters(Infrastructure infra) throws Exception {
    String prefix = Infrastructure.uniqueName("sink") + ".";
    Infrastructure.Database db = infra.newDatabase();
    Settings settings =
        Settings.of(
            Map.of(
                "kafka.bootstrap-servers",
                infra.kafkaBootstrapServers(),
                "kafka.topic-prefix",
                prefix,
                "kafka.partitions",
                "2",
                "db.url",
                db.url(),
                "db.user",
                db.user(),
                "db.password",
                db.password(),
                "ingest.batch-size",
                "700"));
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      try (IngestService ingest = new IngestService(IngestConfig.from(settings), registry)) {
        ingest.start();
        for (int copy = 0; copy < 2; copy++) {
          for (int m = 0; m < 3_000; m++) {
            Fix f = Samples.fix("TJ-S-" + (m % 3), m);
            send(producer, topics.fixesEnriched(), f.getCollarId(), f);
          }
        }
        send(
            producer,
            topics.fixesEnriched(),
            "TJ-S-9",
            Fix.newBuilder(Samples.fix("TJ-S-9", 0)).setSource("nul\u0000").build());
        producer.send(
            new ProducerRecord<>(
                topics.fixesEnriched().name(),
                "TJ-S-8",
                "{\"not\": \"avro\"".getBytes(StandardCharsets.UTF_8)));
        send(producer, topics.detections(), "CT-S-1", Samples.event("CT-S-1", "e1", 3));
        send(producer, topics.detections(), "CT-S-1", Samples.event("CT-S-1", "e1", 3));
        send(
            producer,
            topics.deployments(),
            "dep-S-1",
            Samples.deployment("dep-S-1", "TJ-S-0", "deer-0"));
        send(
            producer,
            topics.deployments(),
            "dep-S-2",
            Samples.deployment("dep-S-2", "TJ-S-1", "deer-1"));
        producer.send(new ProducerRecord<>(topics.deployments().name(), "dep-S-2", null));
        send(producer, topics.alerts(), "A-S-1", Samples.alert("A-S-1", AlertStatus.OPEN, 0, 1));
        send(
            producer,
            topics.alerts(),
            "A-S-1",
            Samples.alert("A-S-1", AlertStatus.RESOLVED, 60, 1));
        send(producer, topics.crossings(), "X-S-1", Samples.crossing("X-S-1", 0));
        send(
            producer,
            topics.deadLetters(),
            "dev",
            DeadLetter.newBuilder()
                .setPayload(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x28}))
                .setPayloadSize(2)
                .setSource("mqtt:test")
                .setReasonCode("invalid-utf8")
                .setReason("bytes are not UTF-8")
                .setOccurredAt(Instant.now())
                .build());
        producer.send(new ProducerRecord<>(topics.deadLetters().name(), "x", new byte[] {1, 2, 3}));
        producer.flush();

        await()
            .atMost(Duration.ofSeconds(90))
            .untilAsserted(
                () -> {
                  assertThat(count(db, "SELECT count(*) FROM fixes")).isEqualTo(3_000);
                  assertThat(count(db, "SELECT count(*) FROM dead_letters")).isEqualTo(4);
                  assertThat(count(db, "SELECT count(*) FROM alert_status_history")).isEqualTo(2);
                  assertThat(count(db, "SELECT count(*) FROM deployments WHERE retracted"))
                      .isEqualTo(1);
                  assertThat(count(db, "SELECT count(*) FROM detections")).isEqualTo(3);
                  assertThat(count(db, "SELECT count(*) FROM crossings")).isEqualTo(1);
                });
      }
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM dead_letters WHERE reason_code = 'store-rejected' AND device_id = 'TJ-S-9'"))
          .isEqualTo(1);
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM dead_letters WHERE reason_code = 'undecodable' AND component = 'ingest'"))
          .isEqualTo(2);
      assertThat(count(db, "SELECT count(*) FROM alerts WHERE status = 'resolved'")).isEqualTo(1);

      // A second instance of the group resumes from committed offsets; a replay of all the fixes
      // changes nothing.
      try (IngestService again = new IngestService(IngestConfig.from(settings), registry)) {
        again.start();
        for (int m = 0; m < 3_000; m++) {
          Fix f = Samples.fix("TJ-S-" + (m % 3), m);
          send(producer, topics.fixesEnriched(), f.getCollarId(), f);
        }
        producer.flush();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> again.counts().getOrDefault("fixes", 0L) >= 3_000);
      }
      assertThat(count(db, "SELECT count(*) FROM fixes")).isEqualTo(3_000);
      assertThat(count(db, "SELECT count(*) FROM dead_letters")).isEqualTo(4);
    }
  }

  private static <V> void send(
      KafkaProducer<String, byte[]> producer, TopicSpec<String, V> topic, String key, V value) {
    producer.send(
        new ProducerRecord<>(
            topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
  }

  static long count(Infrastructure.Database db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
