package org.tugai.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.app.TugaiProcess;
import org.tugai.avro.Fix;
import org.tugai.embedded.MosquittoProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * Two gateway processes on one MQTT 5 shared subscription split the load; one is killed and
 * restarted by its supervisor (same client id), and nothing is lost: what the broker had sent or
 * queued to the dead one waits in its persistent session.
 */
@ExtendWith(TugaiInfrastructure.class)
class SharedSubscriptionIT {

  private static final Logger log = LoggerFactory.getLogger(SharedSubscriptionIT.class);
  private static final int FIXES = 4_000;

  @TempDir Path dir;

  @Test
  void twoGatewaysSplitTheLoadAndAKilledOneLosesNothing(Infrastructure infra) throws Exception {
    Assumptions.assumeTrue(
        MosquittoProcess.binary().isPresent(),
        "needs the mosquitto binary (apt-get install mosquitto)");
    String prefix = Infrastructure.uniqueName("shared") + ".";
    String bootstrap = infra.kafkaBootstrapServers();
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    FixStream stream = new FixStream(Infrastructure.uniqueName("S"), 16);
    try (MosquittoProcess mosquitto = MosquittoProcess.start("")) {
      Map<String, String> common =
          Map.of(
              "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
              bootstrap,
              "TUGAI_KAFKA_TOPIC_PREFIX",
              prefix,
              "TUGAI_MQTT_URL",
              mosquitto.url(),
              "TUGAI_GATEWAY_SHARED_GROUP",
              "gateways");
      Map<String, String> envA =
          with(
              common,
              "TUGAI_GATEWAY_CLIENT_ID",
              prefix + "gw-a",
              "TUGAI_GATEWAY_SOURCE_NAME",
              "gw-a");
      Map<String, String> envB =
          with(
              common,
              "TUGAI_GATEWAY_CLIENT_ID",
              prefix + "gw-b",
              "TUGAI_GATEWAY_SOURCE_NAME",
              "gw-b");
      TugaiProcess a = TugaiProcess.start("gateway", envA, dir.resolve("a.log"));
      TugaiProcess b = TugaiProcess.start("gateway", envB, dir.resolve("b.log"));
      TugaiProcess bAgain = null;
      MqttClient device =
          new MqttClient(
              mosquitto.url(), Infrastructure.uniqueName("collars"), new MemoryPersistence());
      device.connect(new MqttConnectionOptions());
      try {
        for (int i = 0; i < FIXES; i++) {
          stream.publish(device, i);
          if (i == FIXES / 3) {
            b.kill();
            log.info("gateway b SIGKILLed after {} fixes", i + 1);
          }
          if (i == FIXES * 2 / 3) {
            bAgain = TugaiProcess.start("gateway", envB, dir.resolve("b2.log"));
            log.info("gateway b restarted after {} fixes", i + 1);
          }
        }
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> stream.arrived(bootstrap, topics.fixes()).distinct().size() == FIXES);
        Map<String, Integer> bySource = recordsBySource(bootstrap, topics);
        log.info("all {} fixes in Kafka; records by gateway: {}", FIXES, bySource);
        assertThat(bySource.getOrDefault("gw-a", 0)).isPositive();
        assertThat(bySource.getOrDefault("gw-b", 0)).isPositive();
      } finally {
        device.disconnect();
        a.close();
        if (bAgain != null) {
          bAgain.close();
        }
        b.close();
      }
    }
  }

  private static Map<String, String> with(
      Map<String, String> base, String k1, String v1, String k2, String v2) {
    Map<String, String> m = new HashMap<>(base);
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static Map<String, Integer> recordsBySource(String bootstrap, Topics topics) {
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : TopicContents.read(bootstrap, topics.fixes().name())) {
      Fix fix = topics.fixes().valueSerde().deserializer().deserialize(r.topic(), r.value());
      counts.merge(fix.getSource().substring(0, fix.getSource().indexOf(':')), 1, Integer::sum);
    }
    return counts;
  }
}
