package org.tugai.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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
import org.tugai.embedded.MosquittoProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A gateway killed with SIGKILL in the middle of 10,000 fixes through a real Mosquitto loses none
 * of them: what it had not acknowledged, the broker keeps in the persistent session and delivers to
 * the next one.
 */
@ExtendWith(TugaiInfrastructure.class)
class GatewayCrashIT {

  private static final Logger log = LoggerFactory.getLogger(GatewayCrashIT.class);
  private static final int FIXES = 10_000;

  @TempDir Path dir;

  @Test
  void sigkillMidStreamLosesNothing(Infrastructure infra) throws Exception {
    Assumptions.assumeTrue(
        MosquittoProcess.binary().isPresent(),
        "needs the mosquitto binary (apt-get install mosquitto)");
    String prefix = Infrastructure.uniqueName("crash") + ".";
    String bootstrap = infra.kafkaBootstrapServers();
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    try (MosquittoProcess mosquitto = MosquittoProcess.start("")) {
      Map<String, String> env =
          Map.of(
              "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
              bootstrap,
              "TUGAI_KAFKA_TOPIC_PREFIX",
              prefix,
              "TUGAI_MQTT_URL",
              mosquitto.url(),
              "TUGAI_GATEWAY_CLIENT_ID",
              Infrastructure.uniqueName("gw"),
              "TUGAI_GATEWAY_RECEIVE_MAXIMUM",
              "500");
      Path log1 = dir.resolve("gateway-1.log");
      Path log2 = dir.resolve("gateway-2.log");
      FixStream stream = new FixStream(Infrastructure.uniqueName("K"), 10);
      AtomicReference<TugaiProcess> second = new AtomicReference<>();
      TugaiProcess first = TugaiProcess.start("gateway", env, log1);
      MqttClient device =
          new MqttClient(
              mosquitto.url(), Infrastructure.uniqueName("collars"), new MemoryPersistence());
      device.connect(new MqttConnectionOptions());
      try {
        for (int i = 0; i < FIXES; i++) {
          stream.publish(device, i);
          if (i == FIXES * 3 / 10) {
            first.kill();
            log.info("gateway SIGKILLed after {} fixes published", i + 1);
          }
          if (i == FIXES / 2) {
            second.set(TugaiProcess.start("gateway", env, log2));
            log.info("second gateway started after {} fixes published", i + 1);
          }
        }
        device.disconnect();

        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> stream.arrived(bootstrap, topics.fixes()).distinct().size() == FIXES);
        FixStream.Arrived arrived = stream.arrived(bootstrap, topics.fixes());
        log.info(
            "all {} fixes in Kafka after SIGKILL: {} records, {} duplicates",
            FIXES,
            arrived.total(),
            arrived.duplicates());
        assertThat(arrived.distinct()).hasSize(FIXES);
        assertThat(arrived.total()).isGreaterThanOrEqualTo(FIXES);
        assertThat(Files.readString(log1))
            .contains("gateway started")
            .doesNotContain("gateway stopped");
      } finally {
        if (second.get() != null) {
          second.get().close();
        }
        first.close();
      }
    }
  }
}
