package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.embedded.FreePorts;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A service that fails for good does not leave a healthy-looking process: {@code bin/tugai ingest}
 * whose table is gone exits with 70 for its supervisor to restart it; with {@code
 * process.exit-on-failure: false} it stays up and {@code /health} answers 503 DOWN with the reason.
 */
@ExtendWith(TugaiInfrastructure.class)
class ServiceFailureExitIT {

  @TempDir Path dir;

  @Test
  void aFailedServiceEndsItsProcessOrTakesItsHealthDown(Infrastructure infra) throws Exception {
    for (boolean exitOnFailure : new boolean[] {true, false}) {
      Infrastructure.Database db = infra.newDatabase();
      String prefix = Infrastructure.uniqueName("exit") + ".";
      Topics topics = Topics.of(prefix, SchemaCatalog.released());
      int metricsPort = FreePorts.pick();
      Map<String, String> env =
          new HashMap<>(
              Map.of(
                  "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
                  infra.kafkaBootstrapServers(),
                  "TUGAI_KAFKA_TOPIC_PREFIX",
                  prefix,
                  "TUGAI_DB_URL",
                  db.url(),
                  "TUGAI_DB_USER",
                  db.user(),
                  "TUGAI_DB_PASSWORD",
                  db.password(),
                  "TUGAI_METRICS_PORT",
                  Integer.toString(metricsPort),
                  "TUGAI_PROCESS_EXIT_ON_FAILURE",
                  Boolean.toString(exitOnFailure)));
      Path log = dir.resolve("ingest-" + exitOnFailure + ".log");
      try (TugaiProcess ingest = TugaiProcess.start("ingest", "tugai started", env, log)) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
          c.createStatement().execute("ALTER TABLE fixes RENAME TO fixes_gone");
        }
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
          Fix f =
              Fix.newBuilder()
                  .setCollarId("TJ-EXIT")
                  .setFixTime(java.time.Instant.parse("2026-03-01T04:00:00Z"))
                  .setLat(37.3)
                  .setLon(68.1)
                  .setFixType(FixType.THREE_D)
                  .setReceivedAt(Instant.now())
                  .build();
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
        if (exitOnFailure) {
          OptionalInt exit = ingest.awaitExit(Duration.ofSeconds(90));
          assertThat(exit).as(Files.readString(log)).hasValue(Tugai.SERVICE_FAILED);
          assertThat(Files.readString(log))
              .contains("ingest failed")
              .contains("42P01")
              .contains("stopping, exit 70");
        } else {
          HttpClient http = HttpClient.newHttpClient();
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () ->
                      http.send(
                                  HttpRequest.newBuilder(
                                          URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .statusCode()
                          == 503);
          String body =
              http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          assertThat(body).contains("DOWN").contains("42P01");
          assertThat(ingest.isAlive()).isTrue();
        }
      }
    }
  }
}
