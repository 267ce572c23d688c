package org.tugai.ingest.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.embedded.EmbeddedPostgres;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.ingest.Samples;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * The database goes away for 30 s ({@code pg_ctl stop -m fast}) while fixes keep arriving; when it
 * is back, every fix is in the store exactly once. The test owns its PostgreSQL server (a real one,
 * zonky's binaries) even where the environment names one: stopping a database other tests or people
 * share is not a test's call.
 */
@ExtendWith(TugaiInfrastructure.class)
class PostgresOutageIT {

  private static final Logger log = LoggerFactory.getLogger(PostgresOutageIT.class);
  private static final int FIXES = 12_000;

  @Test
  void thirtySecondsWithoutTheDatabaseLoseNothingAndDoubleNothing(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("pgdown") + ".";
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
      String url = postgres.jdbcUrl("postgres");
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
                  url,
                  "db.user",
                  postgres.user(),
                  "ingest.batch-size",
                  "500",
                  "ingest.max-backoff",
                  "2s"));
      Topics topics = Topics.of(prefix, SchemaCatalog.released());
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean producing = new AtomicBoolean(true);

      try (IngestService ingest = new IngestService(IngestConfig.from(settings), registry);
          KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(
                  Map.of("bootstrap.servers", infra.kafkaBootstrapServers(), "acks", "all"),
                  new StringSerializer(),
                  new ByteArraySerializer())) {
        ingest.start();
        // Load: fixes at about 250/s for the whole test, through the outage and after it.
        Thread load =
            new Thread(
                () -> {
                  while (producing.get() && sent.get() < FIXES) {
                    int n = sent.getAndIncrement();
                    Fix f = Samples.fix("TJ-OUT-" + (n % 20), n / 20);
                    producer.send(
                        new ProducerRecord<>(
                            topics.fixesEnriched().name(),
                            f.getCollarId(),
                            topics.fixesEnriched().valueSerde().serializer().serialize("t", f)));
                    if (n % 50 == 49) {
                      producer.flush();
                      LockSupport.parkNanos(200_000_000L);
                    }
                  }
                  producer.flush();
                },
                "outage-load");
        load.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> stored(url, postgres.user()) > 1_000);
        postgres.stopFast();
        int sentAtStop = sent.get();
        // For the whole outage the sink keeps retrying (and stays alive) while fixes keep arriving
        // in Kafka.
        await()
            .during(Duration.ofSeconds(30))
            .atMost(Duration.ofSeconds(40))
            .until(() -> load.isAlive() || sent.get() == FIXES);
        assertThat(registry.counter("tugai.ingest.retries", "table", "fixes").count())
            .isGreaterThan(0);
        // A consumer joins the group and leaves while the sinks wait: their partitions are taken
        // and handed back twice in the middle of the outage (unpaused, as a rebalance leaves them),
        // and still nothing is lost or doubled.
        rebalanceTwice(
            infra.kafkaBootstrapServers(), prefix + "tugai-ingest", topics.fixesEnriched().name());
        double retriesAfterRebalance =
            registry.counter("tugai.ingest.retries", "table", "fixes").count();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    registry.counter("tugai.ingest.retries", "table", "fixes").count()
                        >= retriesAfterRebalance + 4);
        assertThat(sent.get()).isGreaterThan(sentAtStop);
        log.info("restarting PostgreSQL after 30 s; {} fixes sent so far", sent.get());
        postgres.startAgain();

        await()
            .atMost(Duration.ofSeconds(150))
            .until(
                () -> {
                  int s = sent.get();
                  return s == FIXES && stored(url, postgres.user()) == FIXES;
                });
        producing.set(false);
        load.join();
      }
      try (Connection c = DriverManager.getConnection(url, postgres.user(), "");
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*), count(DISTINCT (collar_id, fix_time)) FROM fixes")) {
        rs.next();
        assertThat(rs.getLong(1)).as("rows").isEqualTo(FIXES);
        assertThat(rs.getLong(2)).as("distinct natural keys").isEqualTo(FIXES);
      }
    }
  }

  private static void rebalanceTwice(String bootstrap, String group, String topic) {
    try (KafkaConsumer<String, byte[]> visitor =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                bootstrap,
                "group.id",
                group,
                "enable.auto.commit",
                "false",
                "max.poll.records",
                "1"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      visitor.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                visitor.poll(Duration.ofMillis(200));
                return visitor.groupMetadata().generationId() > 0;
              });
      log.info(
          "a visitor joined the sinks' group (generation {}, took {}); leaving again",
          visitor.groupMetadata().generationId(),
          visitor.assignment());
    } // close() leaves the group (a dynamic member): the second rebalance
  }

  private static long stored(String url, String user) {
    try (Connection c = DriverManager.getConnection(url, user, "");
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM fixes")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }
}
