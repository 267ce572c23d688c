package org.tugai.bench;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * MQTT-to-Kafka throughput of the gateway for native fixes at QoS 1 through Mosquitto, printed next
 * to, in the same run, (a) a plain Kafka producer sending the same Avro bytes with the gateway's
 * producer settings and (b) the rate Mosquitto delivers to a plain subscriber; then
 * publish-to-Kafka latency at a steady rate.
 */
public final class GatewayBenchmark {

  private static final int COLLARS = 200;
  private static final int WINDOW = 2_000;
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private record Result(String what, long messages, double seconds, double cpuSeconds) {
    double rate() {
      return messages / seconds;
    }

    double cpuPerMillion() {
      return cpuSeconds / messages * 1_000_000;
    }
  }

  public static void main(String[] args) throws Exception {
    int n = intArg(args, "--messages", 100_000);
    int latencyRate = intArg(args, "--latency-rate", 1_000);
    int latencySeconds = intArg(args, "--latency-seconds", 20);
    Path root = Path.of(System.getProperty("tugai.root", ".")).toAbsolutePath();
    say(
        "Tugai gateway benchmark: %,d native fixes at QoS 1; %d cores; starting a Kafka broker process and Mosquitto...",
        n, Runtime.getRuntime().availableProcessors());
    Instant base = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    try (Brokers brokers = new Brokers(root)) {
      // Warm up the JIT and the brokers on a small run of each path; those figures are thrown away.
      mosquittoBaseline(brokers, Math.min(n, 20_000), base, "warm");
      gateway(brokers, Math.min(n, 20_000), base, "warm");
      Result mosquitto = mosquittoBaseline(brokers, n, base, "m");
      Result producer = plainProducer(brokers, n, base);
      Result gateway = gateway(brokers, n, base, "g");
      double[] latency = latency(brokers, latencyRate, latencySeconds);

      say("");
      say("%-44s %12s %10s %16s", "path", "msgs/s", "seconds", "CPU-s per 1M msgs");
      for (Result r : List.of(mosquitto, producer, gateway)) {
        say("%-44s %,12.0f %10.2f %16.1f", r.what(), r.rate(), r.seconds(), r.cpuPerMillion());
      }
      say("");
      say(
          "gateway / plain Kafka producer      = %.2f   (goal >= 0.5)",
          gateway.rate() / producer.rate());
      say(
          "gateway / Mosquitto to a subscriber = %.2f   (1.0 means the broker, not the gateway, is the limit)",
          gateway.rate() / mosquitto.rate());
      say(
          "gateway CPU per 1M msgs excluding the test publisher's share (Mosquitto row) = %.1f CPU-s",
          gateway.cpuPerMillion() - mosquitto.cpuPerMillion());
      say("");
      say(
          "publish-to-Kafka latency at %,d msg/s for %d s (MQTT publish -> broker append time, LogAppendTime):",
          latencyRate, latencySeconds);
      say(
          "  p50 %.1f ms   p99 %.1f ms   max %.1f ms   (%d messages)",
          latency[0], latency[1], latency[2], (long) latency[3]);
      say(
          "settings: acks=all, idempotence, linger.ms=5, lz4; gateway receive-maximum 1000; one broker each; all on this machine");
    }
  }

  private static String fixJson(int i, Instant base) {
    return String.format(
        Locale.ROOT,
        "{\"collarId\":\"BENCH-%03d\",\"fixTime\":\"%s\",\"lat\":%.5f,\"lon\":%.5f,\"hdop\":1.2,"
            + "\"satellites\":7,\"fixType\":\"3D\",\"batteryV\":3.61}",
        i % COLLARS,
        base.plusSeconds(i / COLLARS),
        37.2 + (i % 997) * 1e-4,
        68.3 + (i % 991) * 1e-4);
  }

  private static Result mosquittoBaseline(Brokers brokers, int n, Instant base, String tag)
      throws Exception {
    AtomicLong received = new AtomicLong();
    MqttAsyncClient subscriber =
        new MqttAsyncClient(brokers.mosquitto.url(), "bench-sub-" + tag, new MemoryPersistence());
    subscriber.setCallback(
        new MqttCallback() {
          public void messageArrived(String topic, MqttMessage message) {
            received.incrementAndGet();
          }

          public void disconnected(MqttDisconnectResponse r) {}

          public void mqttErrorOccurred(MqttException e) {}

          public void deliveryComplete(IMqttToken t) {}

          public void connectComplete(boolean reconnect, String uri) {}

          public void authPacketArrived(int code, MqttProperties p) {}
        });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setReceiveMaximum(1_000);
    subscriber.connect(o).waitForCompletion(10_000);
    subscriber.subscribe(new MqttSubscription("bench/" + tag + "/#", 1)).waitForCompletion(10_000);
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    try (Publisher publisher = new Publisher(brokers.mosquitto.url(), "bench-pub-" + tag, WINDOW)) {
      publisher.publish(
          n,
          i ->
              new Publisher.Message(
                  "bench/" + tag + "/" + (i % COLLARS),
                  fixJson(i, base).getBytes(StandardCharsets.UTF_8)),
          0);
      waitFor(() -> received.get() >= n, Duration.ofMinutes(5));
    }
    Result r =
        new Result(
            "(b) Mosquitto -> plain subscriber, QoS 1",
            n,
            (System.nanoTime() - t0) / 1e9,
            (OS.getProcessCpuTime() - cpu0) / 1e9);
    subscriber.disconnect().waitForCompletion(5_000);
    subscriber.close();
    return r;
  }

  private static Result plainProducer(Brokers brokers, int n, Instant base) throws Exception {
    KafkaSettings kafka =
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    brokers.kafka(),
                    "kafka.topic-prefix",
                    "bench-plain.")));
    Topics topics = Topics.of("bench-plain.", SchemaCatalog.released());
    createTopic(brokers, topics.fixes().name(), false);
    List<byte[]> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Fix fix =
          Fix.newBuilder()
              .setCollarId(String.format("BENCH-%03d", i % COLLARS))
              .setFixTime(base.plusSeconds(i / COLLARS))
              .setLat(37.2)
              .setLon(68.3)
              .setHdop(1.2)
              .setSatellites(7)
              .setFixType(FixType.THREE_D)
              .setBatteryV(3.61)
              .setReceivedAt(Instant.now())
              .setSource("bench")
              .build();
      values.add(topics.fixes().valueSerde().serializer().serialize(topics.fixes().name(), fix));
    }
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            GatewayService.producerConfig(kafka, "bench-plain"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.fixes().name(), String.format("BENCH-%03d", i % COLLARS), values.get(i)));
      }
      producer.flush();
    }
    return new Result(
        "(a) plain Kafka producer, same Avro bytes",
        n,
        (System.nanoTime() - t0) / 1e9,
        (OS.getProcessCpuTime() - cpu0) / 1e9);
  }

  private static Result gateway(Brokers brokers, int n, Instant base, String tag) throws Exception {
    String prefix = "bench-" + tag + "-" + System.nanoTime() + ".";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GatewayService gateway = startGateway(brokers, prefix, registry);
    String topic = prefix + "tugai.fixes.v1";
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    try (Publisher publisher = new Publisher(brokers.mosquitto.url(), "bench-pub-" + tag, WINDOW)) {
      publisher.publish(
          n,
          i ->
              new Publisher.Message(
                  "tugai/v1/collars/BENCH-" + String.format("%03d", i % COLLARS) + "/fixes",
                  fixJson(i, base).getBytes(StandardCharsets.UTF_8)),
          0);
      waitFor(
          () -> registry.counter("tugai.gateway.produced", "topic", topic).count() >= n,
          Duration.ofMinutes(5));
    }
    Result r =
        new Result(
            "gateway: MQTT QoS 1 -> Kafka acks=all (+publisher)",
            n,
            (System.nanoTime() - t0) / 1e9,
            (OS.getProcessCpuTime() - cpu0) / 1e9);
    gateway.close();
    return r;
  }

  private static GatewayService startGateway(
      Brokers brokers, String prefix, SimpleMeterRegistry registry) throws Exception {
    GatewayService gateway =
        new GatewayService(
            GatewayConfig.from(
                Settings.of(
                    Map.of(
                        "kafka.bootstrap-servers",
                        brokers.kafka(),
                        "kafka.topic-prefix",
                        prefix,
                        "mqtt.url",
                        brokers.mosquitto.url(),
                        "gateway.client-id",
                        "bench-" + prefix,
                        "gateway.unknown-devices",
                        "accept",
                        "gateway.alerts-out",
                        "false",
                        "gateway.session-expiry",
                        "60s",
                        "gateway.receive-maximum",
                        System.getProperty("bench.receive-maximum", "1000")))),
            registry,
            Clock.systemUTC());
    gateway.start();
    return gateway;
  }

  /**
   * Latency from the MQTT publish to the broker's append, at a steady rate: the fix time carries
   * the publish time.
   */
  private static double[] latency(Brokers brokers, int rate, int seconds) throws Exception {
    String prefix = "bench-latency-" + System.nanoTime() + ".";
    String topic = prefix + "tugai.fixes.v1";
    createTopic(brokers, topic, true);
    GatewayService gateway = startGateway(brokers, prefix, new SimpleMeterRegistry());
    int n = rate * seconds;
    try (Publisher publisher =
        new Publisher(brokers.mosquitto.url(), "bench-pub-latency", WINDOW)) {
      publisher.publish(
          n,
          i -> {
            String collar = String.format("LAT-%03d", i % COLLARS);
            String json =
                String.format(
                    Locale.ROOT,
                    "{\"collarId\":\"%s\",\"fixTime\":\"%s\",\"lat\":37.2,\"lon\":68.3,\"fixType\":\"3D\"}",
                    collar,
                    Instant.ofEpochMilli(System.currentTimeMillis()));
            return new Publisher.Message(
                MqttTopics.collarFixes(collar), json.getBytes(StandardCharsets.UTF_8));
          },
          rate);
    }
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    long[] latencies = new long[n];
    int count = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", brokers.kafka()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (count < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Fix fix = topics.fixes().valueSerde().deserializer().deserialize(topic, r.value());
          if (count < n) {
            latencies[count++] = r.timestamp() - fix.getFixTime().toEpochMilli();
          }
        }
      }
    }
    gateway.close();
    long[] sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    return new double[] {
      sorted[count / 2],
      sorted[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)],
      sorted[count - 1],
      count
    };
  }

  private static void createTopic(Brokers brokers, String name, boolean logAppendTime)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers.kafka()))) {
      NewTopic topic = new NewTopic(name, Optional.of(3), Optional.empty());
      if (logAppendTime) {
        topic.configs(Map.of("message.timestamp.type", "LogAppendTime"));
      }
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static void waitFor(BooleanSupplier done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("benchmark step did not finish within " + timeout);
      }
      Thread.sleep(5);
    }
  }

  private static int intArg(String[] args, String name, int defaultValue) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
