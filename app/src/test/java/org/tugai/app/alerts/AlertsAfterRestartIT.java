package org.tugai.app.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.app.TugaiProcess;
import org.tugai.embedded.KafkaBrokerProcess;
import org.tugai.embedded.MqttPublishing;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A power cut at the station: {@code bin/tugai run} is SIGKILLed and started again. Its consumer
 * groups use static membership, so the restarted process takes its partitions back at once: a
 * person seen by a camera after the restart reaches the rangers' topic within 10 s of "tugai
 * started", without waiting out the session timeout (45 s) of the members the power cut left
 * behind.
 */
@ExtendWith(TugaiInfrastructure.class)
class AlertsAfterRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ZONE = AlertDeliveryIT.ZONE;

  @TempDir Path dir;

  @Test
  void aDetectionAfterASigkillAndRestartReachesRangersWithinTenSecondsOfStartUp(
      Infrastructure infra) throws Exception {
    String prefix = Infrastructure.uniqueName("restart") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    Infrastructure.Database db = infra.newDatabase();
    Path log = dir.resolve("tugai.log");
    try (KafkaBrokerProcess kafka = new KafkaBrokerProcess(dir.resolve("kafka"))) {
      kafka.start();
      Map<String, String> env =
          new HashMap<>(
              Map.of(
                  "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
                  kafka.bootstrapServers(),
                  "TUGAI_KAFKA_TOPIC_PREFIX",
                  prefix,
                  "TUGAI_MQTT_URL",
                  infra.mqttUrl(),
                  "TUGAI_DB_URL",
                  db.url(),
                  "TUGAI_DB_USER",
                  db.user(),
                  "TUGAI_DB_PASSWORD",
                  db.password(),
                  "TUGAI_HTTP_PORT",
                  "0",
                  "TUGAI_GATEWAY_CLIENT_ID",
                  Infrastructure.uniqueName("gw"),
                  "TUGAI_GATEWAY_UNKNOWN_DEVICES",
                  "accept",
                  "TUGAI_STREAMS_STATE_DIR",
                  dir.resolve("state").toString()));
      env.put("TUGAI_STREAMS_COMMIT_INTERVAL", "200ms");

      List<JsonNode> onMqtt = new CopyOnWriteArrayList<>();
      MqttClient ranger =
          new MqttClient(
              infra.mqttUrl(), Infrastructure.uniqueName("ranger"), new MemoryPersistence());
      ranger.connect(new MqttConnectionOptions());
      ranger.subscribe(
          new MqttSubscription[] {new MqttSubscription(MqttTopics.alerts(ZONE), 1)},
          new IMqttMessageListener[] {(t, m) -> onMqtt.add(JSON.readTree(m.getPayload()))});
      MqttClient device =
          new MqttClient(
              infra.mqttUrl(), Infrastructure.uniqueName("cam"), new MemoryPersistence());
      device.connect(new MqttConnectionOptions());
      String before = Infrastructure.uniqueName("CT").replace("-", "");
      String after = before + "b";
      Instant t = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
      try {
        TugaiProcess first = TugaiProcess.start("run", "tugai started", env, log);
        AlertDeliveryIT.deploy(kafka.bootstrapServers(), topics, before, 39.47, 67.60);
        AlertDeliveryIT.deploy(kafka.bootstrapServers(), topics, after, 39.48, 67.61);
        MqttPublishing.publish(
            device,
            MqttTopics.cameraDetections(before),
            AlertDeliveryIT.detection(before, "e1", t));
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> onMqtt.stream().anyMatch(j -> before.equals(j.path("deviceId").asText())));

        long pid = first.pid();
        first.kill(); // a power cut: no leave-group, no commit, no disconnect
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        try (TugaiProcess second = TugaiProcess.start("run", "tugai started", env, log)) {
          long started = System.nanoTime();
          MqttPublishing.publish(
              device,
              MqttTopics.cameraDetections(after),
              AlertDeliveryIT.detection(after, "e2", t.plusSeconds(30)));
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () -> onMqtt.stream().anyMatch(j -> after.equals(j.path("deviceId").asText())));
          System.out.printf(
              "alert after restart on the rangers' topic %.1f s after 'tugai started'%n",
              (System.nanoTime() - started) / 1e9);
          assertThat(Files.readString(log)).contains("tugai started");
          assertThat(second.pid()).isNotEqualTo(pid);
        }
      } finally {
        device.disconnect();
        ranger.disconnect();
      }
    }
  }
}
