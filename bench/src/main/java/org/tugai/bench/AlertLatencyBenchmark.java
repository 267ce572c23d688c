package org.tugai.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.core.config.Settings;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;
import org.tugai.streams.StreamsService;
import org.tugai.streams.StreamsServiceConfig;

/**
 * End-to-end alert latency: person detections published over MQTT at a steady rate by camera traps
 * in a protected zone, through the gateway, Kafka, the streams rules and lifecycle, back through
 * the gateway's alert output to a ranger subscribed to the zone's topic. Latency is from just
 * before the MQTT publish of a detection to the arrival of the first alert record whose evidence
 * names it. Gateway and streams run in this JVM with their default settings; Kafka and Mosquitto
 * run as separate processes on the same machine.
 */
public final class AlertLatencyBenchmark {

  static final String ZONE = "pa-zarafshon-tj";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int rate = intArg(args, "--rate", 200);
    int seconds = intArg(args, "--seconds", 30);
    int cameras = intArg(args, "--cameras", 50);
    int n = rate * seconds;
    Path root = Path.of(System.getProperty("tugai.root", ".")).toAbsolutePath();
    say(
        "Tugai alert latency benchmark: %,d person detections at %d/s from %d cameras in %s; starting Kafka and Mosquitto processes...",
        n, rate, cameras, ZONE);
    try (Brokers brokers = new Brokers(root)) {
      String prefix = "bench-alerts-" + System.nanoTime() + ".";
      Map<String, String> values =
          new HashMap<>(
              Map.of(
                  "kafka.bootstrap-servers",
                  brokers.kafka(),
                  "kafka.topic-prefix",
                  prefix,
                  "kafka.partitions",
                  "2",
                  "mqtt.url",
                  brokers.mosquitto.url(),
                  "gateway.client-id",
                  "bench-gw-" + System.nanoTime(),
                  "gateway.unknown-devices",
                  "accept",
                  "streams.state-dir",
                  Files.createTempDirectory("tugai-bench-alerts-").toString()));
      Settings settings = Settings.of(values);
      StreamsServiceConfig streamsConfig = StreamsServiceConfig.from(settings);
      Topics topics = Topics.of(prefix, SchemaCatalog.released());
      try (StreamsService streams = new StreamsService(streamsConfig);
          GatewayService gateway =
              new GatewayService(
                  GatewayConfig.from(settings), new SimpleMeterRegistry(), Clock.systemUTC())) {
        streams.start();
        gateway.start();
        deployCameras(brokers, topics, cameras);

        AtomicLongArray sent = new AtomicLongArray(n);
        AtomicLongArray latency = new AtomicLongArray(n);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger warm = new AtomicInteger();
        MqttClient ranger =
            new MqttClient(
                brokers.mosquitto.url(),
                "bench-ranger-" + System.nanoTime(),
                new MemoryPersistence());
        ranger.connect(new MqttConnectionOptions());
        IMqttMessageListener listener =
            (topic, message) -> {
              long now = System.nanoTime();
              JsonNode alert = JSON.readTree(message.getPayload());
              for (JsonNode e : alert.path("evidence")) {
                String ev = e.asText();
                int slash = ev.lastIndexOf('/');
                if (slash < 0) {
                  continue;
                }
                String id = ev.substring(slash + 1);
                if (id.startsWith("w")) {
                  warm.incrementAndGet();
                } else if (id.startsWith("b")) {
                  int i = Integer.parseInt(id.substring(1));
                  if (i < n && sent.get(i) != 0 && latency.compareAndSet(i, 0, now - sent.get(i))) {
                    received.incrementAndGet();
                  }
                }
              }
            };
        ranger.subscribe(
            new MqttSubscription[] {new MqttSubscription(MqttTopics.alerts(ZONE), 1)},
            new IMqttMessageListener[] {listener});

        try (Publisher publisher =
            new Publisher(brokers.mosquitto.url(), "bench-cameras-" + System.nanoTime(), 500)) {
          say("warming up for 5 s...");
          publisher.publish(rate * 5, i -> detection("w" + i, cameras, i), rate);
          waitFor(() -> warm.get() > 0, 60);
          say("measuring for %d s...", seconds);
          publisher.publish(
              n,
              i -> {
                Publisher.Message m = detection("b" + i, cameras, i);
                sent.set(i, System.nanoTime());
                return m;
              },
              rate);
        }
        waitFor(() -> received.get() >= n, 60);
        ranger.disconnect();

        long[] sorted = new long[received.get()];
        int k = 0;
        for (int i = 0; i < n && k < sorted.length; i++) {
          if (latency.get(i) > 0) {
            sorted[k++] = latency.get(i);
          }
        }
        Arrays.sort(sorted, 0, k);
        say("");
        say(
            "MQTT publish of a detection -> alert on tugai/v1/alerts/%s, %d detections/s for %d s:",
            ZONE, rate, seconds);
        if (k == 0) {
          say("  no alert arrived");
        } else {
          say(
              "  p50 %.1f ms   p99 %.1f ms   max %.1f ms   (%,d of %,d detections seen in an alert)",
              ms(sorted[k / 2]),
              ms(sorted[(int) Math.min(k - 1, Math.ceil(k * 0.99) - 1)]),
              ms(sorted[k - 1]),
              k,
              n);
        }
        say(
            "settings: streams %s, commit.interval %d ms, producer linger %d ms, %d stream thread(s), 2 partitions;",
            streamsConfig.processingGuarantee(),
            streamsConfig.commitInterval().toMillis(),
            streamsConfig.linger().toMillis(),
            streamsConfig.threads());
        say(
            "          gateway acks=all + idempotence, linger 5 ms, PUBACK after Kafka ack; alert relay commits after the rangers' PUBACK;");
        say(
            "          %d CPU cores; Kafka (deploy/kafka) and Mosquitto as separate processes on this machine",
            Runtime.getRuntime().availableProcessors());
      }
    }
  }

  private static Publisher.Message detection(String eventId, int cameras, int i) {
    String camera = String.format(Locale.ROOT, "BENCH-CT-%02d", i % cameras);
    String json =
        String.format(
            Locale.ROOT,
            "{\"cameraId\":\"%s\",\"eventId\":\"%s\",\"capturedAt\":\"%s\",\"media\":[\"%s.jpg\"],"
                + "\"model\":\"MDv5a\",\"detections\":[{\"class\":\"person\",\"confidence\":0.9,\"bbox\":[0.1,0.2,0.2,0.4]}]}",
            camera,
            eventId,
            Instant.now(),
            eventId);
    return new Publisher.Message(
        MqttTopics.cameraDetections(camera), json.getBytes(StandardCharsets.UTF_8));
  }

  private static void deployCameras(Brokers brokers, Topics topics, int cameras) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers.kafka()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int c = 0; c < cameras; c++) {
        String camera = String.format(Locale.ROOT, "BENCH-CT-%02d", c);
        // Spread over the reserve (39.40..39.55 N, 67.40..67.85 E).
        Deployment d =
            Deployment.newBuilder()
                .setDeploymentId("dep-" + camera)
                .setDeviceId(camera)
                .setDeviceType(DeviceType.CAMERA)
                .setSiteId("site-" + c)
                .setLat(39.42 + 0.11 * (c % 7) / 7)
                .setLon(67.42 + 0.40 * (c / 7 % 8) / 8)
                .setDeployOn(Instant.parse("2026-01-01T00:00:00Z"))
                .build();
        producer
            .send(
                new ProducerRecord<>(
                    topics.deployments().name(),
                    d.getDeploymentId(),
                    topics.deployments().valueSerde().serializer().serialize("t", d)))
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void waitFor(BooleanSupplier done, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }

  static int intArg(String[] args, String name, int defaultValue) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }
}
