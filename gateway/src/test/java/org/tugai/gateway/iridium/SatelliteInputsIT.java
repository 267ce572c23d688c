package org.tugai.gateway.iridium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.embedded.KafkaBrokerProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * Iridium collars through a live gateway over real sockets and a real Kafka: DirectIP MO
 * connections and a provider's webhook. A message is confirmed only once Kafka has its fixes;
 * re-deliveries, connections cut mid-message, unknown modems, undecodable payloads and wrong
 * secrets each do what a field project needs.
 */
@ExtendWith(TugaiInfrastructure.class)
class SatelliteInputsIT {

  private static final String SECRET = "s3cret-for-the-provider-only";
  private static final String IMEI = "300234010753370";
  private static final String RB_IMEI = "300234010753371";
  private static final Instant DEPLOYED = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  private record Setup(
      GatewayService gateway, Topics topics, String bootstrap, String collar, String rbCollar) {}

  private Setup start(String bootstrap, String mqttUrl, String confirmTimeout) throws Exception {
    String prefix = Infrastructure.uniqueName("sat") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    String collar = Infrastructure.uniqueName("IR");
    String rbCollar = collar + "-rb";
    Map<String, String> settings =
        new HashMap<>(
            Map.of(
                "kafka.bootstrap-servers",
                bootstrap,
                "kafka.topic-prefix",
                prefix,
                "mqtt.url",
                mqttUrl,
                "gateway.client-id",
                Infrastructure.uniqueName("gw"),
                "gateway.alerts-out",
                "false",
                "gateway.directip.port",
                "0",
                "gateway.directip.bind",
                "127.0.0.1",
                "gateway.directip.confirm-timeout",
                confirmTimeout,
                "gateway.rockblock.port",
                "0",
                "gateway.rockblock.bind",
                "127.0.0.1"));
    settings.put("gateway.rockblock.secret", SECRET);
    settings.put("gateway.rockblock.confirm-timeout", confirmTimeout);
    settings.put("gateway.retry-backoff", "100ms");
    GatewayConfig config = GatewayConfig.from(Settings.of(settings));
    TopicAdmin.ensure(config.kafka(), List.of(topics.deployments()));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (Deployment d : List.of(deployment(collar, IMEI), deployment(rbCollar, RB_IMEI))) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.deployments().name(),
                    d.getDeploymentId(),
                    topics
                        .deployments()
                        .valueSerde()
                        .serializer()
                        .serialize(topics.deployments().name(), d)))
            .get();
      }
    }
    GatewayService gateway =
        new GatewayService(config, new SimpleMeterRegistry(), Clock.systemUTC());
    gateway.start();
    return new Setup(gateway, topics, bootstrap, collar, rbCollar);
  }

  private static Deployment deployment(String collar, String imei) {
    return Deployment.newBuilder()
        .setDeploymentId(collar + "@1")
        .setDeviceId(collar)
        .setDeviceType(DeviceType.COLLAR)
        .setDeployOn(DEPLOYED)
        .setImei(imei)
        .build();
  }

  @Test
  void directIpAndWebhookMessagesBecomeFixesOnceAndBadOnesDeadLetters(Infrastructure infra)
      throws Exception {
    Setup s = start(infra.kafkaBootstrapServers(), infra.mqttUrl(), "30s");
    int port = s.gateway().directIpPort().orElseThrow();
    Instant base = Instant.now().minus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    try {
      // A store-and-forward message of three fixes: confirmed, and all three in Kafka by then.
      byte[] three = message(1, base, 3);
      assertThat(send(port, three)).containsExactly(DirectIp.confirmation(true));
      assertThat(fixTimes(s, s.collar()))
          .containsExactlyInAnyOrder(base, base.plusSeconds(3_600), base.plusSeconds(7_200));

      // The Iridium gateway missed our confirmation and delivers it again: confirmed, nothing sent
      // twice.
      assertThat(send(port, three)).containsExactly(DirectIp.confirmation(true));
      // Cut off mid-message: no confirmation, nothing taken; the full message after it is.
      byte[] next = message(2, base.plusSeconds(10_800), 1);
      try (Socket cut = new Socket()) {
        cut.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        cut.getOutputStream().write(Arrays.copyOf(next, next.length - 5));
        cut.shutdownOutput();
        assertThat(cut.getInputStream().readAllBytes()).isEmpty();
      }
      assertThat(send(port, next)).containsExactly(DirectIp.confirmation(true));
      await().atMost(Duration.ofSeconds(30)).until(() -> fixTimes(s, s.collar()).size() == 4);
      assertThat(fixRecords(s, s.collar())).hasSize(4);
      Fix one = fixRecords(s, s.collar()).get(0);
      assertThat(one.getSource()).startsWith("iridium-directip:" + IMEI + ":");
      assertThat(one.getDeviceTime()).isNotNull();

      // An unknown modem and an undecodable payload: confirmed (they are safe, as dead letters)
      // with their reasons.
      assertThat(
              send(
                  port,
                  DirectIp.encode(
                      9,
                      "300234019999999",
                      0,
                      1,
                      0,
                      Instant.now(),
                      new byte[16],
                      Optional.empty())))
          .containsExactly(DirectIp.confirmation(true));
      assertThat(
              send(
                  port,
                  DirectIp.encode(9, IMEI, 0, 3, 0, Instant.now(), new byte[15], Optional.empty())))
          .containsExactly(DirectIp.confirmation(true));
      // A port scanner gets nothing and leaves nothing.
      assertThat(send(port, "GET / HTTP/1.1\r\n\r\n".getBytes())).isEmpty();

      // The provider's webhook: a wrong secret is refused and leaves no trace; the right one stores
      // the fix once.
      int http = s.gateway().rockBlockPort().orElseThrow();
      Instant rbTime = base.plusSeconds(600);
      String form =
          "imei="
              + RB_IMEI
              + "&momsn=77&transmit_time="
              + DateTimeFormatter.ofPattern("yy-MM-dd%20HH:mm:ss")
                  .withZone(ZoneOffset.UTC)
                  .format(rbTime.plusSeconds(60))
              + "&iridium_latitude=37.5&iridium_longitude=68.1&iridium_cep=8"
              + "&data="
              + HexFormat.of().formatHex(record(rbTime, 37.51, 68.12));
      assertThat(post(http, "wrong-secret-of-sufficient-length", form).statusCode()).isEqualTo(403);
      HttpResponse<String> ok = post(http, SECRET, form);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(fixTimes(s, s.rbCollar())).containsExactly(rbTime);
      HttpResponse<String> again = post(http, SECRET, form);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).contains("duplicate");
      HttpResponse<String> badHex =
          post(
              http,
              SECRET,
              "imei=" + RB_IMEI + "&momsn=78&transmit_time=26-11-20%2006:00:00&data=zz");
      assertThat(badHex.statusCode()).isEqualTo(400);
      assertThat(badHex.body()).contains("not hexadecimal");
      assertThat(fixRecords(s, s.rbCollar())).hasSize(1);
      // A 5 MB body (a provider bug, or a caller filling the gateway's memory): refused before it
      // is read, nothing kept.
      HttpResponse<String> huge =
          post(http, SECRET, "imei=" + RB_IMEI + "&momsn=79&data=" + "0".repeat(5 * 1024 * 1024));
      assertThat(huge.statusCode()).isEqualTo(413);

      Map<String, Long> reasons =
          deadLetters(s).stream()
              .collect(Collectors.groupingBy(DeadLetter::getReasonCode, Collectors.counting()));
      assertThat(reasons).containsOnlyKeys("unknown-modem", "undecodable", "malformed-message");
      assertThat(reasons.values()).allMatch(n -> n == 1);
      assertThat(deadLetters(s))
          .filteredOn(d -> d.getReasonCode().equals("undecodable"))
          .singleElement()
          .satisfies(d -> assertThat(d.getReason()).contains("15 bytes"));
    } finally {
      s.gateway().close();
    }
  }

  @Test
  void aMessageKafkaCannotTakeIsNotConfirmedAndItsRedeliveryIsStored(Infrastructure infra)
      throws Exception {
    try (KafkaBrokerProcess kafka = new KafkaBrokerProcess(dir.resolve("kafka"))) {
      kafka.start();
      Setup s = start(kafka.bootstrapServers(), infra.mqttUrl(), "3s");
      int port = s.gateway().directIpPort().orElseThrow();
      Instant base = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
      try {
        assertThat(send(port, message(1, base, 1))).containsExactly(DirectIp.confirmation(true));
        kafka.stop();
        // Kafka is away: the gateway holds the message past its confirm timeout and closes without
        // confirming.
        byte[] during = message(2, base.plusSeconds(3_600), 2);
        assertThat(send(port, during)).isEmpty();
        kafka.start();
        // The Iridium gateway delivers it again, as it does for every unconfirmed message: now it
        // is confirmed.
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> Arrays.equals(send(port, during), DirectIp.confirmation(true)));
        assertThat(fixTimes(s, s.collar()))
            .containsExactlyInAnyOrder(base, base.plusSeconds(3_600), base.plusSeconds(7_200));
      } finally {
        s.gateway().close();
      }
    }
  }

  /** {@code count} compact records an hour apart from {@code first}, as one DirectIP MO message. */
  private static byte[] message(int momsn, Instant first, int count) {
    ByteBuffer payload = ByteBuffer.allocate(16 * count);
    for (int i = 0; i < count; i++) {
      payload.put(record(first.plusSeconds(3_600L * i), 37.5 + i * 0.001, 68.1 + i * 0.001));
    }
    return DirectIp.encode(
        100 + momsn,
        IMEI,
        0,
        momsn,
        0,
        first.plusSeconds(3_600L * count),
        payload.array(),
        Optional.of(new SbdMessage.IridiumLocation(37.5, 68.1, 5)));
  }

  private static byte[] record(Instant time, double lat, double lon) {
    return ByteBuffer.allocate(16)
        .putInt((int) time.getEpochSecond())
        .putInt((int) Math.round(lat * 1e7))
        .putInt((int) Math.round(lon * 1e7))
        .putShort((short) 400)
        .put((byte) 12)
        .put((byte) ((9 << 3) | (3 << 1)))
        .array();
  }

  /**
   * One DirectIP connection as the Iridium gateway makes it: the message, then whatever comes back
   * before the close.
   */
  private static byte[] send(int port, byte[] message) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(message);
      out.flush();
      InputStream in = socket.getInputStream();
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static HttpResponse<String> post(int port, String secret, String form) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + port + RockBlockWebhook.PATH + "?secret=" + secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static List<Fix> fixRecords(Setup s, String collar) {
    return TopicContents.read(s.bootstrap(), s.topics().fixes().name()).stream()
        .map(r -> s.topics().fixes().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(f -> f.getCollarId().equals(collar))
        .toList();
  }

  private static Set<Instant> fixTimes(Setup s, String collar) {
    return fixRecords(s, collar).stream().map(Fix::getFixTime).collect(Collectors.toSet());
  }

  private static List<DeadLetter> deadLetters(Setup s) {
    return TopicContents.read(s.bootstrap(), s.topics().deadLetters().name()).stream()
        .map(
            r ->
                s.topics()
                    .deadLetters()
                    .valueSerde()
                    .deserializer()
                    .deserialize(r.topic(), r.value()))
        .toList();
  }
}
