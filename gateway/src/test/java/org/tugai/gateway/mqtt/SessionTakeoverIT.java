package org.tugai.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MosquittoProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A device with valid credentials tries to take the gateway's MQTT session, as in the field report:
 * on the shipped secure broker it cannot, and every fix the broker acknowledged reaches Kafka, with
 * the gateway running and while it is down; on a broker that does not bind client ids to users the
 * takeover happens, and the gateway says so.
 */
@ExtendWith(TugaiInfrastructure.class)
class SessionTakeoverIT {

  @TempDir Path dir;

  private static final Path ACL =
      Path.of(System.getProperty("tugai.root", "..")).resolve("deploy/mosquitto/acl.conf");

  @Test
  void aDeviceUsingTheGatewaysClientIdGetsASessionOfItsOwnAndNoFixIsLost(Infrastructure infra)
      throws Exception {
    Assumptions.assumeTrue(
        MosquittoProcess.binary().isPresent(), "needs mosquitto and mosquitto_passwd");
    Path passwd = dir.resolve("passwd");
    String attacker = Infrastructure.uniqueName("TJ-X");
    String collar = Infrastructure.uniqueName("TJ-C");
    DeviceAclIT.addGatewayUsers(passwd);
    DeviceAclIT.addUser(passwd, attacker, "x-secret");
    DeviceAclIT.addUser(passwd, collar, "c-secret");
    String prefix = Infrastructure.uniqueName("takeover") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    try (MosquittoProcess broker =
        MosquittoProcess.startSecure(DeviceAclIT.SECURE_CONF, passwd, ACL)) {
      GatewayConfig config = DeviceAclIT.gatewayConfig(infra, broker, prefix);
      assertThat(config.clientId())
          .as("not the documented id")
          .isNotEqualTo("tugai-gateway")
          .startsWith("tugai-gateway-");
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      GatewayService gateway = new GatewayService(config, metrics, Clock.systemUTC());
      gateway.start();
      MqttAsyncClient device = DeviceAclIT.connect(broker.url(), collar, "c-secret");
      List<MqttAsyncClient> intruders = new ArrayList<>();
      try {
        // The intruder logs in with its own password under every client id the gateway could have,
        // again and again.
        for (String id :
            List.of(
                "tugai-gateway",
                config.clientId(),
                config.clientId() + "-alerts",
                "tugai-gateway-alerts")) {
          intruders.add(DeviceAclIT.connect(broker.url(), id, attacker, "x-secret"));
        }
        List<IMqttToken> acks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          acks.add(
              device.publish(
                  MqttTopics.collarFixes(collar),
                  DeviceAclIT.message(fix(collar, start.plusSeconds(60L * i)))));
          if (i % 5 == 0) {
            intruders.add(
                DeviceAclIT.connect(broker.url(), config.clientId(), attacker, "x-secret"));
          }
        }
        for (IMqttToken t : acks) {
          t.waitForCompletion(10_000);
          assertThat(t.getReasonCodes()[0]).isZero();
        }
        awaitFixes(infra, topics, collar, 20);
        assertThat(gateway.problems()).isEmpty();
        assertThat(metrics.find("tugai.gateway.mqtt.session.takeovers").counters())
            .isNotEmpty()
            .allSatisfy(c -> assertThat(c.count()).isZero());

        // The gateway is down: fixes wait in its persistent session; the intruder tries to open
        // (and clean) it.
        gateway.close();
        for (int i = 20; i < 30; i++) {
          IMqttToken t =
              device.publish(
                  MqttTopics.collarFixes(collar),
                  DeviceAclIT.message(fix(collar, start.plusSeconds(60L * i))));
          t.waitForCompletion(10_000);
          assertThat(t.getReasonCodes()[0]).isZero();
        }
        MqttAsyncClient cleaner =
            new MqttAsyncClient(broker.url(), config.clientId(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(attacker);
        o.setPassword("x-secret".getBytes());
        o.setCleanStart(true);
        cleaner.connect(o).waitForCompletion(10_000);
        cleaner.subscribe(MqttTopics.COLLAR_FIXES, 1).waitForCompletion(10_000);
        intruders.add(cleaner);
        gateway = new GatewayService(config, new SimpleMeterRegistry(), Clock.systemUTC());
        gateway.start();
        awaitFixes(infra, topics, collar, 30);
        assertThat(gateway.problems()).isEmpty();
      } finally {
        for (MqttAsyncClient c : intruders) {
          if (c.isConnected()) {
            c.disconnect().waitForCompletion(5_000);
          }
        }
        device.disconnect().waitForCompletion(5_000);
        gateway.close();
      }
    }
  }

  @Test
  void onABrokerThatDoesNotBindClientIdsTheTakeoverIsReported(Infrastructure infra)
      throws Exception {
    Assumptions.assumeTrue(MosquittoProcess.binary().isPresent(), "needs mosquitto");
    String prefix = Infrastructure.uniqueName("takeover-open") + ".";
    try (MosquittoProcess broker = MosquittoProcess.start("")) {
      String clientId = Infrastructure.uniqueName("gw");
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      GatewayService gateway =
          new GatewayService(
              GatewayConfig.from(
                  Settings.of(
                      Map.of(
                          "kafka.bootstrap-servers",
                          infra.kafkaBootstrapServers(),
                          "kafka.topic-prefix",
                          prefix,
                          "mqtt.url",
                          broker.url(),
                          "gateway.client-id",
                          clientId,
                          "gateway.alerts-out",
                          "false"))),
              metrics,
              Clock.systemUTC());
      gateway.start();
      try {
        // Mosquitto 2.0.11 closes the old connection without a DISCONNECT 0x8E: the gateway sees
        // only dropped connections. An intruder who keeps at it drops the gateway's again and
        // again.
        for (int i = 0; i < SessionTakeovers.FLAPS && gateway.problems().isEmpty(); i++) {
          MqttAsyncClient intruder =
              new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
          intruder.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> !intruder.isConnected()); // the gateway reconnected and took it back
          intruder.close(true);
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(gateway.problems())
                        .anySatisfy(p -> assertThat(p).contains("client id '" + clientId + "'")));
        assertThat(
                metrics
                    .find("tugai.gateway.mqtt.session.takeovers")
                    .tag("connection", "source 'local'")
                    .counter()
                    .count())
            .isGreaterThanOrEqualTo(1);
      } finally {
        gateway.close();
      }
    }
  }

  private static String fix(String collar, Instant time) {
    return "{\"collarId\":\""
        + collar
        + "\",\"fixTime\":\""
        + time
        + "\",\"lat\":37.3,\"lon\":68.1}";
  }

  private static void awaitFixes(Infrastructure infra, Topics topics, String collar, int count) {
    Set<Instant> times = new HashSet<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              times.clear();
              for (var r :
                  TopicContents.read(infra.kafkaBootstrapServers(), topics.fixes().name())) {
                if (collar.equals(r.key())) {
                  Fix f =
                      topics.fixes().valueSerde().deserializer().deserialize(r.topic(), r.value());
                  times.add(f.getFixTime());
                }
              }
              assertThat(times).as("distinct fixes of " + collar + " in Kafka").hasSize(count);
            });
  }
}
