package org.tugai.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.geo.Countries;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.TopicSpec;
import org.tugai.schemas.Topics;
import org.tugai.streams.FixTopology;
import org.tugai.streams.StreamsServiceConfig;
import org.tugai.streams.geo.Geodata;

/**
 * Fixes per second through the full enrichment + crossing topology, next to a pass-through topology
 * (deserialize, serialize) on the same broker and the same data in the same run.
 */
public final class CrossingBenchmark {

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) throws Exception {
    costByWindow(intArg(args, "--window-fixes", 40_000));
    RulesCostByWindow.print(intArg(args, "--rule-fixes", 20_000));
    int deer = 100;
    int fixesPerDeer = intArg(args, "--fixes", 200_000) / deer;
    int n = deer * fixesPerDeer;
    Path root = Path.of(System.getProperty("tugai.root", ".")).toAbsolutePath();
    System.out.printf(
        Locale.ROOT,
        "Tugai crossing benchmark: %,d fixes of %d collared deer along the Panj; starting a Kafka broker process...%n",
        n,
        deer);
    try (Brokers brokers = new Brokers(root)) {
      String prefix = "bench-crossing.";
      Topics topics = Topics.of(prefix, SchemaCatalog.released());
      Settings settings =
          Settings.of(
              Map.of(
                  "kafka.bootstrap-servers",
                  brokers.kafka(),
                  "kafka.topic-prefix",
                  prefix,
                  "kafka.partitions",
                  "2",
                  "streams.commit-interval",
                  "1s"));
      KafkaSettings kafka = KafkaSettings.from(settings);
      TopicAdmin.ensure(
          kafka,
          List.of(
              topics.fixes(),
              topics.fixesEnriched(),
              topics.deployments(),
              topics.crossings(),
              topics.deadLetters()));
      produce(brokers, topics, deer, fixesPerDeer);

      StreamsServiceConfig config = StreamsServiceConfig.from(settings);
      StreamsBuilder pass = new StreamsBuilder();
      pass.stream(
              topics.fixes().name(),
              Consumed.with(topics.fixes().keySerde(), topics.fixes().valueSerde()))
          .to(
              prefix + "bench.passthrough",
              Produced.with(topics.fixes().keySerde(), topics.fixes().valueSerde()));
      TopicAdmin.ensure(
          kafka,
          List.of(
              new TopicSpec<>(
                  prefix + "bench.passthrough",
                  topics.fixes().keySerde(),
                  topics.fixes().valueSerde(),
                  false,
                  "benchmark output")));
      double[] passthrough =
          run(
              "pass-through",
              pass.build(),
              config,
              topics,
              prefix + "bench.passthrough",
              n,
              "bench-pass");
      double[] full =
          run(
              "full",
              FixTopology.build(topics, config.dedupeRetention(), config.track(), config.geodata()),
              config,
              topics,
              topics.fixesEnriched().name(),
              n,
              "bench-full");
      long crossings = endOffsets(brokers.kafka(), topics.crossings().name());

      System.out.printf(
          Locale.ROOT,
          "%n%-46s %12s %10s %18s%n",
          "topology",
          "fixes/s",
          "seconds",
          "CPU-s per 1M fixes");
      System.out.printf(
          Locale.ROOT,
          "%-46s %,12.0f %10.2f %18.1f%n",
          "pass-through (deserialize, serialize)",
          n / passthrough[0],
          passthrough[0],
          passthrough[1] / n * 1e6);
      System.out.printf(
          Locale.ROOT,
          "%-46s %,12.0f %10.2f %18.1f%n",
          "dedupe + enrichment + quality + crossings",
          n / full[0],
          full[0],
          full[1] / n * 1e6);
      // Both topologies run as the service does (its defaults), but for the commit interval: output
      // offsets count the transactions' markers too, a few per second, against hundreds of
      // thousands of fixes.
      System.out.printf(
          Locale.ROOT,
          "%nfull / pass-through = %.2f; %,d crossing records emitted; %d stream thread(s), %s, commit %s%n",
          passthrough[0] / full[0] >= 0 ? (n / full[0]) / (n / passthrough[0]) : 0,
          crossings,
          config.threads(),
          config.processingGuarantee(),
          config.commitInterval());
    }
  }

  /**
   * The track topology's cost per fix by revision window (the grace) and fix interval, with Kafka's
   * test driver (the real processors and RocksDB stores, no broker): each collar's window fills and
   * then slides, and only the sliding half is timed. The cost must not grow with the window. In
   * that half one fix in 16 is held back and arrives half an hour late (after the fixes of the next
   * half hour), timed apart: a late fix is recomputed from the checkpoint before it, not from the
   * window's start, so its cost must not grow with the window either.
   */
  static void costByWindow(int fixes) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "cost of a fix by window (the track topology alone, Kafka's test driver, RocksDB stores; %,d fixes each)%n",
        fixes);
    System.out.printf(
        Locale.ROOT,
        "%-10s %-10s %15s %14s %16s%n",
        "grace",
        "interval",
        "fixes in window",
        "µs per fix",
        "µs per late fix");
    Topics topics = Topics.standard();
    Geodata geo = Geodata.load(Countries.SHIPPED, List.of(Geodata.SHIPPED_ZONES));
    double smallest = Double.MAX_VALUE;
    double largest = 0;
    // A late fix rereads the fixes since the checkpoint before it: more at shorter intervals, the
    // same at every window.
    Map<Duration, double[]> lateRange = new LinkedHashMap<>();
    List<Duration[]> configs = new ArrayList<>();
    configs.add(
        new Duration[] {
          Duration.ofHours(6), Duration.ofMinutes(15)
        }); // a warm-up for the JIT, not printed
    for (Duration grace : List.of(Duration.ofHours(6), Duration.ofHours(48), Duration.ofDays(7))) {
      for (Duration interval : List.of(Duration.ofMinutes(15), Duration.ofMinutes(1))) {
        configs.add(new Duration[] {grace, interval});
      }
    }
    for (int run = 0; run < configs.size(); run++) {
      Duration grace = configs.get(run)[0];
      Duration interval = configs.get(run)[1];
      {
        Settings settings =
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    "unused:9092",
                    "streams.grace",
                    grace.toHours() + "h"));
        StreamsServiceConfig config = StreamsServiceConfig.from(settings);
        Properties props = config.streamsProperties(topics.deadLetters().name());
        props.put("state.dir", Files.createTempDirectory("tugai-bench-window-").toString());
        long window = grace.plus(grace.dividedBy(4)).toMillis() / interval.toMillis();
        int collars = 4;
        int perCollar = fixes / collars;
        try (TopologyTestDriver driver =
            new TopologyTestDriver(
                FixTopology.build(topics, config.dedupeRetention(), config.track(), geo), props)) {
          var deployments =
              driver.createInputTopic(
                  topics.deployments().name(),
                  new StringSerializer(),
                  topics.deployments().valueSerde().serializer());
          var in =
              driver.createInputTopic(
                  topics.fixes().name(),
                  new StringSerializer(),
                  topics.fixes().valueSerde().serializer());
          Instant start = Instant.parse("2026-01-01T00:00:00Z");
          for (int k = 0; k < collars; k++) {
            String collar = "WIN-" + k;
            deployments.pipeInput(
                collar,
                Deployment.newBuilder()
                    .setDeploymentId(collar + "@1")
                    .setDeviceId(collar)
                    .setDeviceType(DeviceType.COLLAR)
                    .setAnimalId("deer-" + k)
                    .setSpecies("Cervus elaphus bactrianus")
                    .setDeployOn(start.minus(1, ChronoUnit.DAYS))
                    .build(),
                start);
          }
          Random random = new Random(7);
          double[] lat = new double[collars];
          Arrays.fill(lat, 37.12);
          long timed = 0;
          int timedFixes = 0;
          long timedLate = 0;
          int lateFixes = 0;
          int lag = (int) Math.max(1, Duration.ofMinutes(30).dividedBy(interval));
          Map<Integer, List<Fix>> held = new HashMap<>();
          for (int i = 0; i < perCollar; i++) {
            boolean timing = i >= perCollar / 2;
            long t0 = System.nanoTime();
            for (int k = 0; k < collars; k++) {
              // The same walk at every interval (only the times differ), so the places, and the
              // border queries, are the same.
              lat[k] += (random.nextDouble() - 0.5) * 0.002;
              Instant t = start.plus(interval.multipliedBy(i));
              Fix f =
                  Fix.newBuilder()
                      .setCollarId("WIN-" + k)
                      .setFixTime(t)
                      .setLat(lat[k])
                      .setLon(68.40 + k * 0.01)
                      .setFixType(FixType.THREE_D)
                      .setHdop(1.1)
                      .setSatellites(8)
                      .setReceivedAt(t)
                      .setSource("bench")
                      .build();
              if (timing && i % 16 == 8 && i + lag < perCollar) {
                held.computeIfAbsent(i + lag, x -> new ArrayList<>()).add(f);
              } else {
                in.pipeInput(f.getCollarId(), f, t);
                timedFixes += timing ? 1 : 0;
              }
            }
            if (timing) {
              timed += System.nanoTime() - t0;
            }
            List<Fix> due = held.remove(i);
            if (due != null) {
              long t1 = System.nanoTime();
              due.forEach(f -> in.pipeInput(f.getCollarId(), f, f.getFixTime()));
              timedLate += System.nanoTime() - t1;
              lateFixes += due.size();
            }
          }
          double micros = timed / 1e3 / timedFixes;
          double lateMicros = timedLate / 1e3 / Math.max(1, lateFixes);
          if (run == 0) {
            continue;
          }
          smallest = Math.min(smallest, micros);
          largest = Math.max(largest, micros);
          double[] range =
              lateRange.computeIfAbsent(interval, x -> new double[] {Double.MAX_VALUE, 0});
          range[0] = Math.min(range[0], lateMicros);
          range[1] = Math.max(range[1], lateMicros);
          System.out.printf(
              Locale.ROOT,
              "%-10s %-10s %,15d %14.1f %16.1f%n",
              grace.toHours() + " h",
              interval.toMinutes() + " min",
              Math.min(window, perCollar),
              micros,
              lateMicros);
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "largest / smallest = %.2f (goal: at most 1.5)%n", largest / smallest);
    lateRange.forEach(
        (interval, range) ->
            System.out.printf(
                Locale.ROOT,
                "late fixes every %d min: largest / smallest over the windows = %.2f%n",
                interval.toMinutes(),
                range[1] / range[0]));
    System.out.println();
  }

  private static void produce(Brokers brokers, Topics topics, int deer, int fixesPerDeer)
      throws Exception {
    Countries countries = Countries.load(Countries.SHIPPED);
    Instant start =
        Instant.now().minus(fixesPerDeer + 24, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", brokers.kafka(), "linger.ms", 20, "batch.size", 262_144),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int k = 0; k < deer; k++) {
        String collar = String.format("BENCH-%03d", k);
        Deployment d =
            Deployment.newBuilder()
                .setDeploymentId(collar + "@1")
                .setDeviceId(collar)
                .setDeviceType(DeviceType.COLLAR)
                .setAnimalId("deer-" + k)
                .setSpecies("Cervus elaphus bactrianus")
                .setDeployOn(start.minus(1, ChronoUnit.DAYS))
                .build();
        producer.send(
            new ProducerRecord<>(
                topics.deployments().name(),
                d.getDeploymentId(),
                topics.deployments().valueSerde().serializer().serialize("t", d)));
      }
      Random random = new Random(42);
      double[] lat = new double[deer];
      double[] lon = new double[deer];
      for (int k = 0; k < deer; k++) {
        lon[k] = 68.25 + 0.45 * k / deer;
        lat[k] =
            countries.crossingPoint(37.30, lon[k], 36.90, lon[k], "TJK").map(c -> c.y).orElse(37.1)
                + 0.03;
      }
      for (int i = 0; i < fixesPerDeer; i++) {
        for (int k = 0; k < deer; k++) {
          lat[k] +=
              (random.nextDouble() - 0.5)
                  * 0.02; // a random walk across the river band, ~1 km an hour
          lon[k] += (random.nextDouble() - 0.5) * 0.004;
          Instant t = start.plus(i, ChronoUnit.HOURS);
          Fix f =
              Fix.newBuilder()
                  .setCollarId(String.format("BENCH-%03d", k))
                  .setFixTime(t)
                  .setLat(lat[k])
                  .setLon(lon[k])
                  .setFixType(FixType.THREE_D)
                  .setHdop(1.1)
                  .setSatellites(8)
                  .setReceivedAt(t)
                  .setSource("bench")
                  .build();
          producer.send(
              new ProducerRecord<>(
                  topics.fixes().name(),
                  f.getCollarId(),
                  topics.fixes().valueSerde().serializer().serialize("t", f)));
        }
      }
    }
  }

  private static double[] run(
      String what,
      Topology topology,
      StreamsServiceConfig config,
      Topics topics,
      String output,
      int n,
      String appId)
      throws Exception {
    Properties props = config.streamsProperties(topics.deadLetters().name());
    props.put("application.id", appId);
    props.put("state.dir", Files.createTempDirectory("tugai-bench-streams-").toString());
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      streams.start();
      String bootstrap = (String) props.get("bootstrap.servers");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
      while (endOffsets(bootstrap, output) < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(what + " did not finish in 20 minutes");
        }
        Thread.sleep(100);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
      streams.close(Duration.ofSeconds(30));
      return new double[] {seconds, cpu};
    }
  }

  private static long endOffsets(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> ps =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      return c.endOffsets(ps).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  static int intArg(String[] args, String name, int defaultValue) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }
}
