package org.tugai.bench.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.tugai.avro.Fix;
import org.tugai.embedded.EmbeddedPostgres;
import org.tugai.embedded.KafkaBrokerProcess;
import org.tugai.embedded.MosquittoProcess;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * Every guarantee at once: a Kafka broker process, Mosquitto (persistence on) and PostgreSQL as real processes;
 * two gateways on a shared subscription, two streams instances and one ingest as separate {@code bin/tugai}
 * processes; collars and camera traps publishing QoS 1 at a steady rate; and, in turn with traffic flowing,
 * SIGKILL of a gateway, a streams instance and ingest (each restarted at once, as a supervisor would), the Kafka
 * broker stopped 20 s, PostgreSQL stopped 30 s, Mosquitto restarted. A verifier then compares what the
 * publisher saw acknowledged with what the store holds.
 *
 * <p>{@code bin/bench soak [--minutes M] [--collars N] [--cameras C] [--rate R] [--rounds K]}; {@code SoakIT}
 * runs a short one in the build.
 */
public final class Soak {

  /** @param rounds how many times each fault happens */
  public record Params(Duration duration, int collars, int cameras, int rate, int rounds) {}

  /** One fault: what, when (seconds into the run), how long until the store had everything acknowledged by its end. */
  public record FaultResult(String fault, long atSecond, Duration catchUp) {}

  /** What the verifier found. Passed when nothing acknowledged is missing and nothing is stored twice or unasked. */
  public record Figures(long fixesSent, long fixesAcked, long fixesStored, long fixesLost, long fixesUnknown, long eventsAcked,
      long eventsStored, long eventsLost, long duplicatesBeforeDedupe, long badAcked, long badDeadLetters, long otherDeadLetters,
      long refusedByClient, Duration longestStall, List<FaultResult> faults, Duration drain, long noSubscribers, List<String> lostSamples) {

    public boolean passed() {
      return fixesLost == 0 && eventsLost == 0 && fixesUnknown == 0 && otherDeadLetters == 0 && badDeadLetters >= badAcked;
    }
  }

  private Soak() {}

  public static void main(String[] args) throws Exception {
    Params p = new Params(Duration.ofMinutes(intArg(args, "--minutes", 60)), intArg(args, "--collars", 500), intArg(args, "--cameras", 50),
        intArg(args, "--rate", 1000), intArg(args, "--rounds", 2));
    Path dir = Files.createTempDirectory("tugai-soak-");
    Figures f = run(p, dir);
    print(p, f);
    System.exit(f.passed() ? 0 : 1);
  }

  static int intArg(String[] args, String name, int defaultValue) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }

  public static void print(Params p, Figures f) {
    say("soak: %d min, %d collars, %d cameras, %d messages/s, each fault %d time(s)", p.duration().toMinutes(), p.collars(), p.cameras(),
        p.rate(), p.rounds());
    say("  fixes          sent %,d  acknowledged %,d  stored %,d  lost %d  stored unasked %d", f.fixesSent(), f.fixesAcked(),
        f.fixesStored(), f.fixesLost(), f.fixesUnknown());
    say("  camera events  acknowledged %,d  stored %,d  lost %d", f.eventsAcked(), f.eventsStored(), f.eventsLost());
    say("  duplicates delivered to Kafka before dedupe: %,d (passed on by dedupe: 0 when no row is doubled)", f.duplicatesBeforeDedupe());
    say("  bad messages acknowledged %d, their dead letters %d; other dead letters %d", f.badAcked(), f.badDeadLetters(),
        f.otherDeadLetters());
    say("  publishes the client could not hand over (broker away): %,d; answered 0x10 (no subscriber) and sent again: %,d",
        f.refusedByClient(), f.noSubscribers());
    f.lostSamples().forEach(l -> say("  lost: %s", l));
    say("  longest stall of the store while messages were acknowledged: %.1f s", f.longestStall().toMillis() / 1000.0);
    for (FaultResult r : f.faults()) {
      say("  fault at %4d s  %-28s catch-up %s", r.atSecond(), r.fault(), r.catchUp() == null ? "not within the limit"
          : String.format(Locale.ROOT, "%.1f s", r.catchUp().toMillis() / 1000.0));
    }
    say("  drain after the load stopped: %.1f s", f.drain().toMillis() / 1000.0);
    say("  %s", f.passed() ? "PASSED: every acknowledged message stored exactly once" : "FAILED");
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }

  /** Runs the soak in {@code dir}; everything it started is stopped before it returns. */
  public static Figures run(Params p, Path dir) throws Exception {
    Path root = Path.of(System.getProperty("tugai.root", "."));
    String prefix = "soak" + Long.toHexString(System.nanoTime() & 0xffffff) + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    List<ServiceProcess> services = new ArrayList<>();
    try (KafkaBrokerProcess kafka = new KafkaBrokerProcess(dir.resolve("kafka"));
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        MosquittoProcess mosquitto = MosquittoProcess.start("max_inflight_messages 1000\nautosave_interval 5")) {
      kafka.start();
      postgres.createDatabase("soak");
      String db = postgres.jdbcUrl("soak");
      Map<String, String> env = environment(kafka, mosquitto, postgres, db, prefix);
      env.put("TUGAI_GATEWAY_SHARED_GROUP", "soak");
      Map<String, ServiceProcess> byName = new LinkedHashMap<>();
      for (String s : List.of("ingest", "streams-1", "streams-2", "gateway-1", "gateway-2")) {
        Map<String, String> e = new HashMap<>(env);
        String service = s.replaceAll("-\\d$", "");
        if (service.equals("gateway")) {
          e.put("TUGAI_GATEWAY_CLIENT_ID", "soak-" + s);
        }
        if (service.equals("streams")) {
          e.put("TUGAI_STREAMS_STATE_DIR", dir.resolve(s).toString());
          e.put("TUGAI_STREAMS_INSTANCE_ID", "soak-" + s);
        }
        ServiceProcess sp = new ServiceProcess(s, service, e, dir.resolve(s + ".log"));
        sp.start();
        services.add(sp);
        byName.put(s, sp);
      }

      Verifier verifier = new Verifier(db, postgres.user());
      try (FieldLoad load = new FieldLoad(mosquitto.url(), p.collars(), p.cameras(), p.rate())) {
        Instant start = Instant.now();
        Progress progress = new Progress(load, verifier);
        progress.start();
        load.start();
        List<String> faults = new ArrayList<>();
        for (int r = 0; r < p.rounds(); r++) {
          faults.addAll(List.of("kill gateway-1", "kill streams-1", "kill ingest", "stop Kafka 20 s", "stop PostgreSQL 30 s",
              "restart Mosquitto"));
        }
        long spacing = Math.max(20, (p.duration().toSeconds() - 30) / (faults.size() + 1));
        List<FaultResult> results = new ArrayList<>();
        Thread.sleep(30_000);
        for (String fault : faults) {
          Thread.sleep(spacing * 1000);
          long at = Duration.between(start, Instant.now()).toSeconds();
          System.out.printf(Locale.ROOT, "soak: %d s (%s): %s%n", at, Instant.now(), fault);
          switch (fault) {
            case "kill gateway-1" -> restart(byName.get("gateway-1"));
            case "kill streams-1" -> restart(byName.get("streams-1"));
            case "kill ingest" -> restart(byName.get("ingest"));
            case "stop Kafka 20 s" -> {
              kafka.stop();
              Thread.sleep(20_000);
              kafka.start();
            }
            case "stop PostgreSQL 30 s" -> {
              postgres.stopFast();
              Thread.sleep(30_000);
              postgres.startAgain();
            }
            case "restart Mosquitto" -> mosquitto.restart();
            default -> throw new IllegalStateException(fault);
          }
          // A service may die of the fault (a supervisor would restart it): so does the harness, and says so.
          for (ServiceProcess sp : services) {
            if (!sp.alive()) {
              System.out.printf(Locale.ROOT, "soak: %s had exited; restarting it%n", sp.name());
              sp.start();
            }
          }
          results.add(new FaultResult(fault, at, progress.catchUp(load.fixesAcked.size() + load.eventsAcked.size(), Duration.ofSeconds(300))));
        }
        long remaining = p.duration().toSeconds() - Duration.between(start, Instant.now()).toSeconds();
        if (remaining > 0) {
          Thread.sleep(remaining * 1000);
        }
        load.stop();
        Thread.sleep(2_000); // the last acknowledgements
        Instant stopped = Instant.now();
        Duration drain = progress.catchUp(load.fixesAcked.size() + load.eventsAcked.size(), Duration.ofSeconds(300));
        progress.stop();
        Figures f = verifier.figures(load, results, progress.longestStall(), drain == null ? Duration.between(stopped, Instant.now()) : drain,
            duplicatesBeforeDedupe(kafka.bootstrapServers(), topics));
        if (f.fixesLost() > 0) {
          // Where each lost fix got to: the stage that lost it is the first one it is missing from.
          trace(kafka.bootstrapServers(), topics, load.fixesAcked.stream().filter(k -> f.lostSamples().stream()
              .anyMatch(l -> l.startsWith(k + " "))).toList()).forEach(l -> System.out.printf(Locale.ROOT, "soak: lost %s%n", l));
        }
        return f;
      } finally {
        for (int i = services.size() - 1; i >= 0; i--) {
          services.get(i).close();
        }
      }
    }
  }

  /** What every {@code bin/tugai} process of a harness is given: the brokers and the store, devices accepted unregistered. */
  static Map<String, String> environment(KafkaBrokerProcess kafka, MosquittoProcess mosquitto, EmbeddedPostgres postgres, String db,
      String prefix) {
    Map<String, String> env = new HashMap<>(Map.of("TUGAI_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "TUGAI_KAFKA_TOPIC_PREFIX",
        prefix, "TUGAI_MQTT_URL", mosquitto.url(), "TUGAI_DB_URL", db, "TUGAI_DB_USER", postgres.user(), "TUGAI_DB_PASSWORD", "",
        "TUGAI_GATEWAY_UNKNOWN_DEVICES", "accept", "TUGAI_GATEWAY_ALERTS_OUT", "false"));
    env.put("TUGAI_KAFKA_REPLICATION_FACTOR", "1");
    return env;
  }

  private static void restart(ServiceProcess sp) throws Exception {
    sp.kill();
    sp.start();
  }

  /** Records in the raw fixes topic beyond one per natural key: copies the gateway sent again after a fault. */
  static long duplicatesBeforeDedupe(String bootstrap, Topics topics) {
    Set<String> keys = new HashSet<>();
    long[] records = {0};
    scan(bootstrap, topics.fixes(), (r, f) -> {
      if (f.getCollarId().startsWith(FieldLoad.COLLAR)) {
        records[0]++;
        keys.add(f.getCollarId() + "@" + f.getFixTime().toEpochMilli());
      }
    });
    return records[0] - keys.size();
  }

  /** Every fix of {@code topic}, from its beginning to its end now. */
  private static void scan(String bootstrap, org.tugai.schemas.TopicSpec<String, Fix> topic,
      java.util.function.BiConsumer<ConsumerRecord<String, byte[]>, Fix> each) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "max.poll.records", "5000",
        "isolation.level", "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic.name()).stream()
          .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Fix f = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
          if (f != null) {
            each.accept(r, f);
          }
        }
      }
    }
  }

  /** For each key, the raw and enriched records that carry it (partition/offset, timestamp). */
  static List<String> trace(String bootstrap, Topics topics, List<String> keys) {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    keys.forEach(k -> seen.put(k, new ArrayList<>()));
    for (var topic : List.of(topics.fixes(), topics.fixesEnriched())) {
      scan(bootstrap, topic, (r, f) -> {
        List<String> where = seen.get(f.getCollarId() + "@" + f.getFixTime().toEpochMilli());
        if (where != null) {
          where.add(topic.name().substring(topic.name().indexOf("tugai.")) + " " + r.partition() + "/" + r.offset() + " at "
              + Instant.ofEpochMilli(r.timestamp()) + " flags " + f.getQualityFlags());
        }
      });
    }
    List<String> out = new ArrayList<>();
    seen.forEach((k, where) -> out.add(k + ": " + (where.isEmpty() ? "in no topic" : String.join("; ", where))));
    return out;
  }

  /** Samples the store every second: what it holds, and how long it went without taking anything new. */
  static final class Progress {
    private final FieldLoad load;
    private final Verifier verifier;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-progress"));
    private final AtomicLong stored = new AtomicLong();
    private volatile Instant lastGrowth = Instant.now();
    private volatile Duration longestStall = Duration.ZERO;
    private long lastLog;

    Progress(FieldLoad load, Verifier verifier) {
      this.load = load;
      this.verifier = verifier;
    }

    void start() {
      sampler.scheduleWithFixedDelay(() -> {
        long now = verifier.storedCount();
        if (now < 0) {
          Duration stall = Duration.between(lastGrowth, Instant.now());
          if (stall.compareTo(longestStall) > 0) {
            longestStall = stall; // the store is away (a fault): the stall goes on
          }
          return;
        }
        long acked = load.fixesAcked.size() + load.eventsAcked.size();
        if (now > stored.get() || now >= acked) {
          // Growing, or nothing waiting: not a stall.
          lastGrowth = Instant.now();
          stored.set(Math.max(now, stored.get()));
        } else {
          Duration stall = Duration.between(lastGrowth, Instant.now());
          if (stall.compareTo(longestStall) > 0) {
            longestStall = stall;
          }
        }
        if (System.nanoTime() - lastLog > 10_000_000_000L) {
          lastLog = System.nanoTime();
          System.out.printf(Locale.ROOT, "soak: acknowledged %,d, stored %,d%n", acked, now);
        }
      }, 1, 1, TimeUnit.SECONDS);
    }

    /** How long until the store holds at least {@code target} of the harness's messages; null if not within {@code limit}. */
    Duration catchUp(long target, Duration limit) throws InterruptedException {
      Instant from = Instant.now();
      while (Duration.between(from, Instant.now()).compareTo(limit) < 0) {
        if (stored.get() >= target) {
          return Duration.between(from, Instant.now());
        }
        Thread.sleep(200);
      }
      return null;
    }

    Duration longestStall() {
      return longestStall;
    }

    void stop() {
      sampler.shutdownNow();
    }
  }

  /** Reads the store. */
  static final class Verifier {
    private final String url;
    private final String user;

    Verifier(String url, String user) {
      this.url = url;
      this.user = user;
    }

    /** The harness's fixes and camera events in the store, or -1 while it cannot be read. */
    long storedCount() {
      try (Connection c = DriverManager.getConnection(url, user, "")) {
        return count(c, "SELECT count(*) FROM fixes WHERE collar_id LIKE '" + FieldLoad.COLLAR + "%'")
            + count(c, "SELECT count(*) FROM camera_events WHERE camera_id LIKE '" + FieldLoad.CAMERA + "%'");
      } catch (Exception e) {
        return -1;
      }
    }

    Figures figures(FieldLoad load, List<FaultResult> faults, Duration stall, Duration drain, long duplicates) throws Exception {
      Set<String> fixes = new HashSet<>();
      Set<String> events = new HashSet<>();
      long bad;
      long other;
      try (Connection c = DriverManager.getConnection(url, user, "")) {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT collar_id, fix_time FROM fixes WHERE collar_id LIKE '"
            + FieldLoad.COLLAR + "%'")) {
          while (rs.next()) {
            fixes.add(rs.getString(1) + "@" + rs.getTimestamp(2).getTime());
          }
        }
        try (ResultSet rs = c.createStatement().executeQuery("SELECT camera_id, event_id FROM camera_events WHERE camera_id LIKE '"
            + FieldLoad.CAMERA + "%'")) {
          while (rs.next()) {
            events.add(rs.getString(1) + "/" + rs.getString(2));
          }
        }
        bad = count(c, "SELECT count(*) FROM dead_letters WHERE device_id LIKE '" + FieldLoad.BAD + "%'");
        other = count(c, "SELECT count(*) FROM dead_letters WHERE device_id IS NULL OR device_id NOT LIKE '" + FieldLoad.BAD + "%'");
      }
      List<String> lost = load.fixesAcked.stream().filter(k -> !fixes.contains(k)).toList();
      long fixesLost = lost.size();
      List<String> samples = new ArrayList<>();
      lost.stream().limit(10).forEach(k -> samples.add(k + " acknowledged at " + load.ackedAt.get(k)
          + (load.noSubscribers.contains(k) ? " (answered 0x10 before)" : "")));
      load.eventsAcked.stream().filter(k -> !events.contains(k)).limit(10).forEach(k -> samples.add("event " + k + " acknowledged at "
          + load.ackedAt.get(k)));
      long unknown = fixes.stream().filter(k -> !load.fixesSent.contains(k)).count();
      long eventsLost = load.eventsAcked.stream().filter(k -> !events.contains(k)).count();
      return new Figures(load.fixesSent.size(), load.fixesAcked.size(), fixes.size(), fixesLost, unknown, load.eventsAcked.size(), events.size(),
          eventsLost, duplicates, load.badAcked.get(), bad, other, load.refusedByClient.get(), stall, faults, drain,
          load.noSubscribers.size(), samples);
    }

    private static long count(Connection c, String sql) throws Exception {
      try (ResultSet rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
