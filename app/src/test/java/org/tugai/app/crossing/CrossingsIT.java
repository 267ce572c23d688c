package org.tugai.app.crossing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;
import org.tugai.streams.StreamsService;
import org.tugai.streams.StreamsServiceConfig;

/**
 * A multi-day simulated track over a real broker, partly delivered as satellite batches (newest
 * first) and twice: the store ends up with exactly the crossings that happened, alternating sides.
 */
@ExtendWith(TugaiInfrastructure.class)
class CrossingsIT {

  @TempDir Path state;

  @Test
  void aMultiDayTrackWithSeveralCrossingsConvergesInTheStore(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("cross") + ".";
    Infrastructure.Database db = infra.newDatabase();
    Settings settings =
        Settings.of(
            Map.of(
                "kafka.bootstrap-servers",
                infra.kafkaBootstrapServers(),
                "kafka.topic-prefix",
                prefix,
                "kafka.partitions",
                "3",
                "db.url",
                db.url(),
                "db.user",
                db.user(),
                "db.password",
                db.password(),
                "streams.state-dir",
                state.toString(),
                "streams.commit-interval",
                "100ms"));
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    SimulatedDeer deer =
        new SimulatedDeer(
            Infrastructure.uniqueName("SIM"),
            3,
            4,
            Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS));
    try (IngestService ingest =
            new IngestService(IngestConfig.from(settings), new SimpleMeterRegistry());
        StreamsService streams = new StreamsService(StreamsServiceConfig.from(settings))) {
      ingest.start();
      streams.start();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (Deployment d : deer.deployments()) {
          producer
              .send(
                  new ProducerRecord<>(
                      topics.deployments().name(),
                      d.getDeploymentId(),
                      topics.deployments().valueSerde().serializer().serialize("t", d)))
              .get(30, TimeUnit.SECONDS);
        }
        for (int d = 0; d < deer.days(); d++) {
          for (int k = 0; k < deer.deer(); k++) {
            List<Fix> day = new ArrayList<>(deer.day(k, d));
            if (d == 1) {
              Collections.reverse(day); // a store-and-forward upload, newest first
            }
            int copies = d == 2 ? 2 : 1; // a gateway restart replays a day
            for (int c = 0; c < copies; c++) {
              for (Fix f : day) {
                producer.send(
                    new ProducerRecord<>(
                        topics.fixes().name(),
                        f.getCollarId(),
                        topics.fixes().valueSerde().serializer().serialize("t", f)));
              }
            }
          }
          producer.flush();
        }
      }
      int expected = deer.deer() * deer.crossingsPerDeer();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  count(db, "SELECT count(*) FROM current_crossings") == expected
                      && count(db, "SELECT count(*) FROM fixes")
                          == (long) deer.deer() * deer.days() * 24);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(db, "SELECT count(*) FROM current_crossings") == expected);
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT collar_id, from_country, to_country, hotspot, population FROM current_crossings ORDER BY collar_id, crossed_at")) {
        String lastCollar = null;
        String lastTo = null;
        int rows = 0;
        while (rs.next()) {
          rows++;
          if (rs.getString(1).equals(lastCollar)) {
            assertThat(rs.getString(2))
                .as("crossings of one deer alternate sides")
                .isEqualTo(lastTo);
          } else {
            assertThat(rs.getString(2)).isEqualTo("TJK");
          }
          assertThat(rs.getString(3)).isNotEqualTo(rs.getString(2)).isIn("TJK", "AFG");
          assertThat(rs.getString(5)).isEqualTo("Tj1");
          lastCollar = rs.getString(1);
          lastTo = rs.getString(3);
        }
        assertThat(rows).isEqualTo(expected);
      }
    }
  }

  static long count(Infrastructure.Database db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
