package org.tugai.ingest.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.core.service.HealthReport;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.ingest.Samples;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A missing table is not a bad row: the sink stops with nothing dead-lettered and nothing
 * committed, the service reports it failed, and once the table is back a restart stores every
 * record.
 */
@ExtendWith(TugaiInfrastructure.class)
class SystemicFailureIT {

  @Test
  void aMissingTableStopsTheSinkInsteadOfDeadLetteringEveryRecord(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("systemic") + ".";
    Infrastructure.Database db = infra.newDatabase();
    Settings settings =
        Settings.of(
            Map.of(
                "kafka.bootstrap-servers",
                infra.kafkaBootstrapServers(),
                "kafka.topic-prefix",
                prefix,
                "db.url",
                db.url(),
                "db.user",
                db.user(),
                "db.password",
                db.password()));
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    try (IngestService ingest =
            new IngestService(IngestConfig.from(settings), new SimpleMeterRegistry());
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      ingest.start();
      exec(db, "ALTER TABLE fixes RENAME TO fixes_moved_away");
      for (int i = 0; i < 20; i++) {
        Fix f = Samples.fix("TJ-SYS-" + (i % 2), i);
        producer
            .send(
                new ProducerRecord<>(
                    topics.fixesEnriched().name(),
                    f.getCollarId(),
                    topics
                        .fixesEnriched()
                        .valueSerde()
                        .serializer()
                        .serialize(topics.fixesEnriched().name(), f)))
            .get();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> ingest.failure().isPresent());
      assertThat(ingest.failure().get()).contains("fixes").contains("42P01");
      assertThat(HealthReport.of(List.of(ingest)).status()).isEqualTo("DOWN");
      // Give a wrong sink every chance to dead-letter what it read: for a second after, it must not
      // have.
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  TopicContents.read(infra.kafkaBootstrapServers(), topics.deadLetters().name())
                          .isEmpty()
                      && SinkIT.count(db, "SELECT count(*) FROM dead_letters") == 0);
    }
    exec(db, "ALTER TABLE fixes_moved_away RENAME TO fixes");
    try (IngestService again =
        new IngestService(IngestConfig.from(settings), new SimpleMeterRegistry())) {
      again.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> SinkIT.count(db, "SELECT count(*) FROM fixes") == 20);
      assertThat(again.failure()).isEmpty();
    }
  }

  static void exec(Infrastructure.Database db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      c.createStatement().execute(sql);
    }
  }
}
