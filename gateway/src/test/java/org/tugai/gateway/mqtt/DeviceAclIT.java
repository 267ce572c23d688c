package org.tugai.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.AlertAck;
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
 * With the shipped ACL (deploy/mosquitto/acl.conf) a collar can publish only as itself; the gateway
 * logs in with a password.
 */
@ExtendWith(TugaiInfrastructure.class)
class DeviceAclIT {

  /** The shipped broker security settings: what the tests check is what an operator gets. */
  static final Path SECURE_CONF =
      Path.of(System.getProperty("tugai.root", "..")).resolve("deploy/mosquitto/secure.conf");

  @TempDir Path dir;

  static void addUser(Path passwd, String user, String password) throws Exception {
    List<String> cmd =
        Files.exists(passwd)
            ? List.of("mosquitto_passwd", "-b", passwd.toString(), user, password)
            : List.of("mosquitto_passwd", "-c", "-b", passwd.toString(), user, password);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
  }

  /**
   * The gateway logged in as the shipped ACL's {@code tugai-gateway}, its alert relay as {@code
   * tugai-gateway-alerts}.
   */
  static GatewayService startGateway(Infrastructure infra, MosquittoProcess broker, String prefix)
      throws Exception {
    GatewayService gateway =
        new GatewayService(
            gatewayConfig(infra, broker, prefix), new SimpleMeterRegistry(), Clock.systemUTC());
    gateway.start();
    return gateway;
  }

  static GatewayConfig gatewayConfig(Infrastructure infra, MosquittoProcess broker, String prefix) {
    return GatewayConfig.from(
        Settings.of(
            Map.of(
                "kafka.bootstrap-servers",
                infra.kafkaBootstrapServers(),
                "kafka.topic-prefix",
                prefix,
                "mqtt.url",
                broker.url(),
                "mqtt.username",
                "tugai-gateway",
                "mqtt.password",
                "gw-secret",
                "gateway.alerts-username",
                "tugai-gateway-alerts",
                "gateway.alerts-password",
                "gwa-secret")));
  }

  /** The users every secured broker of these tests has: the gateway's two connections. */
  static void addGatewayUsers(Path passwd) throws Exception {
    addUser(passwd, "tugai-gateway", "gw-secret");
    addUser(passwd, "tugai-gateway-alerts", "gwa-secret");
  }

  static MqttAsyncClient connect(String url, String user, String password) throws MqttException {
    return connect(url, Infrastructure.uniqueName(user), user, password);
  }

  static MqttAsyncClient connect(String url, String clientId, String user, String password)
      throws MqttException {
    MqttAsyncClient client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setUserName(user);
    o.setPassword(password.getBytes(StandardCharsets.UTF_8));
    client.connect(o).waitForCompletion(10_000);
    return client;
  }

  @Test
  void aCollarCannotPublishAsAnotherCollar(Infrastructure infra) throws Exception {
    Assumptions.assumeTrue(
        MosquittoProcess.binary().isPresent(), "needs mosquitto and mosquitto_passwd");
    Path acl = Path.of(System.getProperty("tugai.root", "..")).resolve("deploy/mosquitto/acl.conf");
    Path passwd = dir.resolve("passwd");
    String c1 = Infrastructure.uniqueName("TJ-C1");
    String c2 = Infrastructure.uniqueName("TJ-C2");
    addGatewayUsers(passwd);
    addUser(passwd, c1, "c1-secret");
    addUser(passwd, c2, "c2-secret");
    String prefix = Infrastructure.uniqueName("acl") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    try (MosquittoProcess broker = MosquittoProcess.startSecure(SECURE_CONF, passwd, acl)) {
      GatewayService gateway = startGateway(infra, broker, prefix);
      MqttAsyncClient collar = connect(broker.url(), c1, "c1-secret");
      try {
        String time =
            Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        IMqttToken own =
            collar.publish(
                MqttTopics.collarFixes(c1),
                message(
                    "{\"collarId\":\""
                        + c1
                        + "\",\"fixTime\":\""
                        + time
                        + "\",\"lat\":37.3,\"lon\":68.1}"));
        own.waitForCompletion(10_000);
        IMqttToken spoof =
            collar.publish(
                MqttTopics.collarFixes(c2),
                message(
                    "{\"collarId\":\""
                        + c2
                        + "\",\"fixTime\":\""
                        + time
                        + "\",\"lat\":37.3,\"lon\":68.1}"));
        spoof.waitForCompletion(10_000);

        assertThat(own.getReasonCodes()[0]).isZero();
        assertThat(spoof.getReasonCodes()[0])
            .as("PUBACK reason code: 0x87 not authorized")
            .isEqualTo(0x87);
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(
                Map.of("bootstrap.servers", infra.kafkaBootstrapServers()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
          List<TopicPartition> partitions =
              consumer.partitionsFor(topics.fixes().name()).stream()
                  .map(p -> new TopicPartition(p.topic(), p.partition()))
                  .toList();
          consumer.assign(partitions);
          consumer.seekToBeginning(partitions);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                    return keys.contains(c1);
                  });
          consumer.poll(Duration.ofSeconds(1)).forEach(r -> keys.add(r.key()));
        }
        assertThat(keys).contains(c1).doesNotContain(c2);
      } finally {
        collar.disconnect().waitForCompletion(5_000);
        gateway.close();
      }
      assertThatThrownBy(() -> connect(broker.url(), c1, "wrong"))
          .isInstanceOf(MqttException.class);
    }
  }

  @Test
  void onlyDevicesPublishDeviceData() throws Exception {
    Assumptions.assumeTrue(
        MosquittoProcess.binary().isPresent(), "needs mosquitto and mosquitto_passwd");
    Path acl = Path.of(System.getProperty("tugai.root", "..")).resolve("deploy/mosquitto/acl.conf");
    Path passwd = dir.resolve("passwd");
    addGatewayUsers(passwd);
    addUser(passwd, "ranger-example", "r-secret");
    try (MosquittoProcess broker = MosquittoProcess.startSecure(SECURE_CONF, passwd, acl)) {
      Map<String, String> users =
          Map.of(
              "tugai-gateway",
              "gw-secret",
              "tugai-gateway-alerts",
              "gwa-secret",
              "ranger-example",
              "r-secret");
      for (Map.Entry<String, String> user : users.entrySet()) {
        MqttAsyncClient client = connect(broker.url(), user.getKey(), user.getValue());
        try {
          for (String topic :
              List.of(
                  MqttTopics.collarFixes(user.getKey()),
                  MqttTopics.cameraDetections(user.getKey()),
                  MqttTopics.megaDetector(user.getKey()))) {
            IMqttToken t = client.publish(topic, message("{}"));
            t.waitForCompletion(10_000);
            assertThat(t.getReasonCodes()[0])
                .as(user.getKey() + " publishing " + topic + ": not authorised")
                .isEqualTo(0x87);
          }
        } finally {
          client.disconnect().waitForCompletion(5_000);
        }
      }
    }
  }

  /** A ranger's block exactly as the shipped ACL's example block, for another user and zone. */
  private static String rangerBlock(String user, String zone) {
    return "\nuser "
        + user
        + "\ntopic deny tugai/v1/collars/#\ntopic deny tugai/v1/cameras/#\ntopic read tugai/v1/alerts/"
        + zone
        + "\ntopic write tugai/v1/acks/"
        + zone
        + "/"
        + user
        + "/+\n";
  }

  @Test
  void aRangerAcknowledgesOnlyAlertsOfTheirZonesAndOnlyAsThemselves(Infrastructure infra)
      throws Exception {
    Assumptions.assumeTrue(
        MosquittoProcess.binary().isPresent(), "needs mosquitto and mosquitto_passwd");
    Path shipped =
        Path.of(System.getProperty("tugai.root", "..")).resolve("deploy/mosquitto/acl.conf");
    String template = Files.readString(shipped);
    assertThat(template).contains(rangerBlock("ranger-example", "zone-example").strip());
    Path acl = dir.resolve("acl.conf");
    Files.writeString(
        acl, template + rangerBlock("ranger-a", "zone-a") + rangerBlock("ranger-b", "zone-b"));
    Path passwd = dir.resolve("passwd");
    addGatewayUsers(passwd);
    addUser(passwd, "ranger-a", "a-secret");
    addUser(passwd, "ranger-b", "b-secret");
    String prefix = Infrastructure.uniqueName("ackacl") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    try (MosquittoProcess broker = MosquittoProcess.startSecure(SECURE_CONF, passwd, acl)) {
      GatewayService gateway = startGateway(infra, broker, prefix);
      MqttAsyncClient ranger = connect(broker.url(), "ranger-a", "a-secret");
      try {
        IMqttToken own =
            ranger.publish(
                "tugai/v1/acks/zone-a/ranger-a/A1", message("{\"note\": \"on our way\"}"));
        IMqttToken otherZone = ranger.publish("tugai/v1/acks/zone-b/ranger-a/B1", message("{}"));
        IMqttToken asSomeoneElse =
            ranger.publish("tugai/v1/acks/zone-a/ranger-b/A2", message("{}"));
        IMqttToken oldTopic =
            ranger.publish("tugai/v1/alerts/B1/ack", message("{\"by\": \"admin\"}"));
        for (IMqttToken t : List.of(own, otherZone, asSomeoneElse, oldTopic)) {
          t.waitForCompletion(10_000);
        }
        assertThat(own.getReasonCodes()[0]).isZero();
        assertThat(otherZone.getReasonCodes()[0])
            .as("another zone's alert: not authorised")
            .isEqualTo(0x87);
        assertThat(asSomeoneElse.getReasonCodes()[0])
            .as("as another ranger: not authorised")
            .isEqualTo(0x87);
        assertThat(oldTopic.getReasonCodes()[0])
            .as("the old ack topic: not authorised")
            .isEqualTo(0x87);
        List<AlertAck> acks = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  acks.clear();
                  TopicContents.read(infra.kafkaBootstrapServers(), topics.alertAcks().name())
                      .forEach(
                          r ->
                              acks.add(
                                  topics
                                      .alertAcks()
                                      .valueSerde()
                                      .deserializer()
                                      .deserialize(r.topic(), r.value())));
                  return !acks.isEmpty();
                });
        assertThat(acks)
            .singleElement()
            .satisfies(
                a -> {
                  assertThat(a.getAlertId()).isEqualTo("A1");
                  assertThat(a.getBy()).isEqualTo("ranger-a");
                  assertThat(a.getChannel()).isEqualTo("zone-a");
                  assertThat(a.getVia()).isEqualTo("mqtt-user:ranger-a");
                });
      } finally {
        ranger.disconnect().waitForCompletion(5_000);
        gateway.close();
      }
    }
  }

  static MqttMessage message(String json) {
    MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    return m;
  }
}
