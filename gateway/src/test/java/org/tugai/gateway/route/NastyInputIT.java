package org.tugai.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.DeadLetter;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * The nasty corpus through a live gateway: each case lands in the dead letters with its reason,
 * good fixes keep flowing.
 */
@ExtendWith(TugaiInfrastructure.class)
class NastyInputIT {

  @Test
  void everyNastyMessageIsDeadLetteredAndEveryGoodOneArrives(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("nasty") + ".";
    String bootstrap = infra.kafkaBootstrapServers();
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    String run = Infrastructure.uniqueName("N").replace("-", "");
    NastyCorpus corpus = new NastyCorpus(run + "x", Instant.now());
    GatewayService gateway =
        new GatewayService(
            GatewayConfig.from(
                Settings.of(
                    Map.of(
                        "kafka.bootstrap-servers",
                        bootstrap,
                        "kafka.topic-prefix",
                        prefix,
                        "mqtt.url",
                        infra.mqttUrl(),
                        "gateway.client-id",
                        Infrastructure.uniqueName("gw"),
                        "gateway.unknown-devices",
                        "accept",
                        "gateway.alerts-out",
                        "false"))),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    gateway.start();
    MqttClient device =
        new MqttClient(
            infra.mqttUrl(), Infrastructure.uniqueName("field"), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setMaximumPacketSize(4L * 1024 * 1024);
    device.connect(options);
    Instant base = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    try {
      int i = 0;
      for (NastyCorpus.Case c : corpus.cases()) {
        MqttPublishing.publish(device, c.topic(), c.payload());
        String good = run + "g" + (i % 7);
        MqttPublishing.publish(
            device,
            MqttTopics.collarFixes(good),
            NastyCorpus.goodFix(good, base.plusSeconds(i).toString())
                .getBytes(StandardCharsets.UTF_8));
        i++;
      }
      int goods = i;
      Map<String, String> expected = new HashMap<>();
      corpus.cases().forEach(c -> expected.put(c.collar(), c.expectedCode()));
      Map<String, String> deadLettered = new ConcurrentHashMap<>();
      Set<String> goodArrived = ConcurrentHashMap.newKeySet();
      Set<String> nastyInFixes = ConcurrentHashMap.newKeySet();
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              Map.of("bootstrap.servers", bootstrap),
              new StringDeserializer(),
              new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : List.of(topics.fixes().name(), topics.deadLetters().name())) {
          consumer
              .partitionsFor(t)
              .forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        try {
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> {
                    consumer
                        .poll(Duration.ofMillis(200))
                        .forEach(
                            r -> {
                              if (r.topic().equals(topics.deadLetters().name())) {
                                DeadLetter d =
                                    topics
                                        .deadLetters()
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value());
                                deadLettered.put(r.key(), d.getReasonCode());
                              } else {
                                var fix =
                                    topics
                                        .fixes()
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value());
                                if (expected.containsKey(r.key())) {
                                  nastyInFixes.add(r.key());
                                } else {
                                  goodArrived.add(fix.getCollarId() + "@" + fix.getFixTime());
                                }
                              }
                            });
                    return deadLettered.size() >= expected.size() && goodArrived.size() >= goods;
                  });
        } catch (ConditionTimeoutException e) {
          // Fall through: the assertions below say precisely what is missing.
        }
      }
      assertThat(nastyInFixes).isEmpty();
      assertThat(goodArrived).hasSize(goods);
      assertThat(deadLettered).containsExactlyInAnyOrderEntriesOf(expected);
    } finally {
      device.disconnect();
      gateway.close();
    }
  }
}
