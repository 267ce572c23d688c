package org.tugai.app.crossing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.app.TugaiProcess;
import org.tugai.avro.Crossing;
import org.tugai.avro.CrossingStatus;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * Two streams instances split the collars; one is SIGKILLed in the middle; the other takes its
 * collars over with their state restored from the changelog, and no crossing is lost or doubled.
 */
@ExtendWith(TugaiInfrastructure.class)
class StreamsFailoverIT {

  private static final Logger log = LoggerFactory.getLogger(StreamsFailoverIT.class);

  @TempDir Path dir;

  @Test
  void killingOneOfTwoInstancesLosesAndDoublesNoCrossing(Infrastructure infra) throws Exception {
    String bootstrap = infra.kafkaBootstrapServers();
    String prefix = Infrastructure.uniqueName("failover") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    KafkaSettings kafka =
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    bootstrap,
                    "kafka.topic-prefix",
                    prefix,
                    "kafka.partitions",
                    "4")));
    TopicAdmin.ensure(
        kafka,
        List.of(
            topics.fixes(),
            topics.fixesEnriched(),
            topics.deployments(),
            topics.crossings(),
            topics.deadLetters(),
            topics.schemas()));
    SimulatedDeer deer =
        new SimulatedDeer(
            Infrastructure.uniqueName("FO"),
            8,
            4,
            Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS));
    Map<String, String> common =
        Map.of(
            "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
            bootstrap,
            "TUGAI_KAFKA_TOPIC_PREFIX",
            prefix,
            "TUGAI_STREAMS_COMMIT_INTERVAL",
            "100ms",
            "TUGAI_KAFKA_CLIENT_SESSION_TIMEOUT_MS",
            "10000");
    Path logs = java.nio.file.Files.createDirectories(Path.of("target", "it-logs"));
    TugaiProcess a =
        TugaiProcess.start(
            "streams",
            with(common, "TUGAI_STREAMS_STATE_DIR", dir.resolve("a").toString()),
            logs.resolve(prefix + "a.log"));
    TugaiProcess b =
        TugaiProcess.start(
            "streams",
            with(common, "TUGAI_STREAMS_STATE_DIR", dir.resolve("b").toString()),
            logs.resolve(prefix + "b.log"));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
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
      sendDays(producer, topics, deer, 0, 2);
      // Both instances are at work: the first evening's crossings are out (a crossing close to a
      // diagonal stretch of border may wait for the next morning's fix to be confirmed, so not
      // every second one yet).
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> converged(bootstrap, topics).size() >= deer.deer());
      b.kill();
      log.info(
          "streams instance b SIGKILLed after {} crossings", converged(bootstrap, topics).size());
      sendDays(producer, topics, deer, 2, 4);

      int expected = deer.deer() * deer.crossingsPerDeer();
      try {
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> converged(bootstrap, topics).size() >= expected);
      } catch (ConditionTimeoutException e) {
        converged(bootstrap, topics)
            .values()
            .forEach(
                c ->
                    log.info(
                        "crossing so far {} before {} after {} rev {}",
                        c.getCrossingId(),
                        c.getBeforeFixTime(),
                        c.getAfterFixTime(),
                        c.getRevision()));
        throw e;
      }
      Map<String, Crossing> set = converged(bootstrap, topics);
      set.values()
          .forEach(
              c ->
                  log.info(
                      "crossing {} {}>{} before {} after {} rev {}",
                      c.getCrossingId(),
                      c.getFromCountry(),
                      c.getToCountry(),
                      c.getBeforeFixTime(),
                      c.getAfterFixTime(),
                      c.getRevision()));
      assertThat(set).hasSize(expected);
      for (int k = 0; k < deer.deer(); k++) {
        String collar = deer.collar(k);
        assertThat(set.values().stream().filter(c -> c.getCollarId().equals(collar)))
            .as(collar)
            .hasSize(deer.crossingsPerDeer());
      }
    } finally {
      a.close();
      b.close();
    }
  }

  /**
   * The track's state (the per-collar summary and the per-fix entries) comes back from the
   * changelog when the instance's local state is gone: stopped, its state directory deleted,
   * started again, it goes on with the same collars and gives the same crossings as a run without
   * the loss.
   */
  @Test
  void deletingTheLocalStateRestoresTheTracksFromTheChangelog(Infrastructure infra)
      throws Exception {
    String bootstrap = infra.kafkaBootstrapServers();
    String prefix = Infrastructure.uniqueName("restore") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    KafkaSettings kafka =
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    bootstrap,
                    "kafka.topic-prefix",
                    prefix,
                    "kafka.partitions",
                    "2")));
    TopicAdmin.ensure(
        kafka,
        List.of(
            topics.fixes(),
            topics.fixesEnriched(),
            topics.deployments(),
            topics.crossings(),
            topics.deadLetters(),
            topics.schemas()));
    SimulatedDeer deer =
        new SimulatedDeer(
            Infrastructure.uniqueName("RS"),
            4,
            4,
            Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS));
    Path state = dir.resolve("state");
    Map<String, String> env =
        Map.of(
            "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
            bootstrap,
            "TUGAI_KAFKA_TOPIC_PREFIX",
            prefix,
            "TUGAI_STREAMS_COMMIT_INTERVAL",
            "100ms",
            "TUGAI_STREAMS_STATE_DIR",
            state.toString());
    Path logs = java.nio.file.Files.createDirectories(Path.of("target", "it-logs"));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
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
      TugaiProcess first = TugaiProcess.start("streams", env, logs.resolve(prefix + "first.log"));
      try {
        // Two days, and the third up to the first fix across the river: the crossing waits for
        // confirmation, which only the state (its pending first fix) can give after the restart.
        sendDays(producer, topics, deer, 0, 2);
        sendHours(producer, topics, deer, 2, 0, 23);
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> converged(bootstrap, topics).size() >= deer.deer());
        // Every fix sent so far through the track before it stops: then all of its state is
        // committed.
        long enriched = deer.deer() * (2L * 24 + 23);
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    TopicContents.read(bootstrap, topics.fixesEnriched().name()).size()
                        >= enriched);
      } finally {
        first.close();
      }
      try (var files = Files.walk(state)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      assertThat(state).doesNotExist();
      TugaiProcess second = TugaiProcess.start("streams", env, logs.resolve(prefix + "second.log"));
      try {
        sendHours(producer, topics, deer, 2, 23, 24);
        sendDays(producer, topics, deer, 3, 4);
        int expected = deer.deer() * deer.crossingsPerDeer();
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> converged(bootstrap, topics).size() >= expected);
        Map<String, Crossing> set = converged(bootstrap, topics);
        assertThat(set).hasSize(expected);
        for (int k = 0; k < deer.deer(); k++) {
          String collar = deer.collar(k);
          assertThat(set.values().stream().filter(c -> c.getCollarId().equals(collar)))
              .as(collar)
              .hasSize(deer.crossingsPerDeer());
        }
        // The crossing in progress at the restart has the fix before it as its evidence, as without
        // the restart.
        assertThat(set.values())
            .allSatisfy(
                c ->
                    assertThat(c.getAfterFixTime().atZone(ZoneOffset.UTC).getHour())
                        .isEqualTo(
                            deer.day(0, 0).get(22).getFixTime().atZone(ZoneOffset.UTC).getHour()));
      } finally {
        second.close();
      }
    }
  }

  private static void sendHours(
      KafkaProducer<String, byte[]> producer,
      Topics topics,
      SimulatedDeer deer,
      int day,
      int from,
      int to) {
    for (int k = 0; k < deer.deer(); k++) {
      for (Fix f : deer.day(k, day).subList(from, to)) {
        producer.send(
            new ProducerRecord<>(
                topics.fixes().name(),
                f.getCollarId(),
                topics.fixes().valueSerde().serializer().serialize("t", f)));
      }
    }
    producer.flush();
  }

  private static void sendDays(
      KafkaProducer<String, byte[]> producer, Topics topics, SimulatedDeer deer, int from, int to) {
    for (int d = from; d < to; d++) {
      for (int k = 0; k < deer.deer(); k++) {
        for (Fix f : deer.day(k, d)) {
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

  /** The crossings as a store converges to them: last record per id wins, retractions remove. */
  static Map<String, Crossing> converged(String bootstrap, Topics topics) {
    Map<String, Crossing> set = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        TopicContents.read(bootstrap, topics.crossings().name())) {
      Crossing c = topics.crossings().valueSerde().deserializer().deserialize(r.topic(), r.value());
      if (c.getStatus() == CrossingStatus.RETRACTED) {
        set.remove(c.getCrossingId());
      } else {
        set.put(c.getCrossingId(), c);
      }
    }
    return set;
  }

  private static Map<String, String> with(Map<String, String> base, String k, String v) {
    Map<String, String> m = new HashMap<>(base);
    m.put(k, v);
    return m;
  }
}
