package org.tugai.app.crossing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;
import org.tugai.streams.StreamsService;
import org.tugai.streams.StreamsServiceConfig;

/**
 * Garbage on the deployments topic (read by the global store) and on the fixes topic (a task's
 * input) is dead-lettered, exactly once as streams runs by default; the topology keeps running.
 */
@ExtendWith(TugaiInfrastructure.class)
class UndecodableDeploymentIT {

  @TempDir Path state;

  @Test
  void garbageOnTheGlobalTopicIsDeadLetteredAndStreamsGoesOn(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("global") + ".";
    String bootstrap = infra.kafkaBootstrapServers();
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    SimulatedDeer deer =
        new SimulatedDeer(
            Infrastructure.uniqueName("G"),
            1,
            1,
            Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS));
    try (StreamsService streams =
        new StreamsService(
            StreamsServiceConfig.from(
                Settings.of(
                    Map.of(
                        "kafka.bootstrap-servers",
                        bootstrap,
                        "kafka.topic-prefix",
                        prefix,
                        "streams.state-dir",
                        state.toString(),
                        "streams.processing-guarantee",
                        "exactly_once_v2"))))) {
      streams.start();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", bootstrap),
              new StringSerializer(),
              new ByteArraySerializer())) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.deployments().name(),
                    "broken",
                    "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8)))
            .get(30, TimeUnit.SECONDS);
        Deployment d = deer.deployments().get(0);
        producer
            .send(
                new ProducerRecord<>(
                    topics.deployments().name(),
                    d.getDeploymentId(),
                    topics.deployments().valueSerde().serializer().serialize("t", d)))
            .get(30, TimeUnit.SECONDS);
        Fix fix = deer.day(0, 0).get(0);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  producer.send(
                      new ProducerRecord<>(
                          topics.fixes().name(),
                          fix.getCollarId(),
                          topics.fixes().valueSerde().serializer().serialize("t", fix)));
                  producer.flush();
                  return read(bootstrap, topics.fixesEnriched().name()).stream()
                      .map(
                          b ->
                              topics
                                  .fixesEnriched()
                                  .valueSerde()
                                  .deserializer()
                                  .deserialize("t", b))
                      .anyMatch(f -> d.getAnimalId().equals(f.getAnimalId()));
                });
        // Garbage on a task's input, not the global store's: its dead letter is part of the task's
        // transaction.
        producer
            .send(
                new ProducerRecord<>(
                    topics.fixes().name(),
                    fix.getCollarId(),
                    "{\"not\": \"a fix\"}".getBytes(StandardCharsets.UTF_8)))
            .get(30, TimeUnit.SECONDS);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> read(bootstrap, topics.deadLetters().name()).size() >= 2);
      List<DeadLetter> letters =
          read(bootstrap, topics.deadLetters().name()).stream()
              .map(b -> topics.deadLetters().valueSerde().deserializer().deserialize("t", b))
              .toList();
      assertThat(letters)
          .hasSize(2)
          .allSatisfy(l -> assertThat(l.getComponent()).isEqualTo("streams"));
      assertThat(letters)
          .filteredOn(l -> l.getSource().startsWith("kafka:" + topics.deployments().name()))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(new String(l.getPayload().array(), StandardCharsets.UTF_8))
                      .isEqualTo("{\"not\": \"avro\"}"));
      assertThat(letters)
          .filteredOn(l -> l.getSource().startsWith("kafka:" + topics.fixes().name()))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(new String(l.getPayload().array(), StandardCharsets.UTF_8))
                      .isEqualTo("{\"not\": \"a fix\"}"));
    }
  }

  private static List<byte[]> read(String bootstrap, String topic) {
    return TopicContents.read(bootstrap, topic).stream().map(ConsumerRecord::value).toList();
  }
}
