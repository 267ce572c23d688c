package org.tugai.bench.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.tugai.avro.Alert;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.PollLoop;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.embedded.EmbeddedPostgres;
import org.tugai.embedded.KafkaBrokerProcess;
import org.tugai.embedded.MosquittoProcess;
import org.tugai.embedded.WebhookReceiver;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.TopicSpec;
import org.tugai.schemas.Topics;

/**
 * Every guarantee at once: a Kafka broker process, Mosquitto (persistence on) and PostgreSQL as
 * real processes; two gateways on a shared subscription, two streams instances and one ingest as
 * separate {@code bin/tugai} processes; collars and camera traps publishing QoS 1 at a steady rate;
 * and, in turn with traffic flowing, SIGKILL of a gateway, a streams instance and ingest (each
 * restarted at once, as a supervisor would), the Kafka broker stopped 20 s, PostgreSQL stopped 30
 * s, Mosquitto restarted, the webhook receiver down for a minute. A verifier then compares what the
 * publisher saw acknowledged with what the store holds; the crossings stored with those of the same
 * raw fixes replayed into a fresh topology; and the alerts stored with what reached the rangers'
 * MQTT topics and the webhook, and with their latest state in Kafka.
 *
 * <p>{@code bin/bench soak [--minutes M] [--collars N] [--cameras C] [--rate R] [--rounds K]};
 * {@code SoakIT} runs a short one in the build.
 */
public final class Soak {

  /**
   * @param rounds how many times each fault happens
   */
  public record Params(Duration duration, int collars, int cameras, int rate, int rounds) {}

  /**
   * One fault: what, when (seconds into the run), how long until the store had everything
   * acknowledged by its end.
   */
  public record FaultResult(String fault, long atSecond, Duration catchUp) {}

  /**
   * What the verifier found. Passed when nothing acknowledged is missing and nothing is stored
   * twice or unasked.
   */
  public record Figures(
      long fixesSent,
      long fixesAcked,
      long fixesStored,
      long fixesLost,
      long fixesUnknown,
      long eventsAcked,
      long eventsStored,
      long eventsLost,
      long duplicatesBeforeDedupe,
      long badAcked,
      long badDeadLetters,
      long otherDeadLetters,
      long refusedByClient,
      Duration longestStall,
      List<FaultResult> faults,
      Duration drain,
      long noSubscribers,
      List<String> lostSamples,
      Outputs outputs) {

    public boolean passed() {
      return fixesLost == 0
          && eventsLost == 0
          && fixesUnknown == 0
          && otherDeadLetters == 0
          && badDeadLetters >= badAcked
          && (outputs == null || outputs.passed());
    }

    Figures with(Outputs o) {
      return new Figures(
          fixesSent,
          fixesAcked,
          fixesStored,
          fixesLost,
          fixesUnknown,
          eventsAcked,
          eventsStored,
          eventsLost,
          duplicatesBeforeDedupe,
          badAcked,
          badDeadLetters,
          otherDeadLetters,
          refusedByClient,
          longestStall,
          faults,
          drain,
          noSubscribers,
          lostSamples,
          o);
    }
  }

  /**
   * What the pipeline made of the fixes: crossings against a replay, alerts against their
   * deliveries.
   *
   * @param alertsNotOnMqtt stored alerts no ranger's MQTT topic carried
   * @param alertsNotOnWebhook stored alerts the webhook (channel {@code all}) never received
   * @param alertsNotFinal stored alerts whose status or update time is not their latest record's in
   *     Kafka
   */
  public record Outputs(
      long crossingsStored,
      long crossingsReplayed,
      List<String> crossingDifferences,
      long alertsStored,
      long alertsNotOnMqtt,
      long alertsNotOnWebhook,
      long alertsNotFinal,
      long mqttMessages,
      long webhookPosts,
      List<String> alertSamples) {

    public boolean passed() {
      return crossingDifferences.isEmpty()
          && alertsNotOnMqtt == 0
          && alertsNotOnWebhook == 0
          && alertsNotFinal == 0;
    }
  }

  private Soak() {}

  public static void main(String[] args) throws Exception {
    Params p =
        new Params(
            Duration.ofMinutes(intArg(args, "--minutes", 60)),
            intArg(args, "--collars", 500),
            intArg(args, "--cameras", 50),
            intArg(args, "--rate", 1000),
            intArg(args, "--rounds", 2));
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
    say(
        "soak: %d min, %d collars, %d cameras, %d messages/s, each fault %d time(s)",
        p.duration().toMinutes(), p.collars(), p.cameras(), p.rate(), p.rounds());
    say(
        "  fixes          sent %,d  acknowledged %,d  stored %,d  lost %d  stored unasked %d",
        f.fixesSent(), f.fixesAcked(), f.fixesStored(), f.fixesLost(), f.fixesUnknown());
    say(
        "  camera events  acknowledged %,d  stored %,d  lost %d",
        f.eventsAcked(), f.eventsStored(), f.eventsLost());
    say(
        "  duplicates delivered to Kafka before dedupe: %,d (passed on by dedupe: 0 when no row is doubled)",
        f.duplicatesBeforeDedupe());
    say(
        "  bad messages acknowledged %d, their dead letters %d; other dead letters %d",
        f.badAcked(), f.badDeadLetters(), f.otherDeadLetters());
    say(
        "  publishes the client could not hand over (broker away): %,d; answered 0x10 (no subscriber) and sent again: %,d",
        f.refusedByClient(), f.noSubscribers());
    f.lostSamples().forEach(l -> say("  lost: %s", l));
    Outputs o = f.outputs();
    if (o != null) {
      say(
          "  crossings      stored %,d  replayed from the raw fixes %,d  differing %d",
          o.crossingsStored(), o.crossingsReplayed(), o.crossingDifferences().size());
      o.crossingDifferences().stream().limit(10).forEach(d -> say("    %s", d));
      say(
          "  alerts         stored %,d  not on MQTT %d  not at the webhook %d  not in their final state %d (%,d MQTT messages, %,d"
              + " webhook posts)",
          o.alertsStored(),
          o.alertsNotOnMqtt(),
          o.alertsNotOnWebhook(),
          o.alertsNotFinal(),
          o.mqttMessages(),
          o.webhookPosts());
      o.alertSamples().forEach(a -> say("    %s", a));
    }
    say(
        "  longest stall of the store while messages were acknowledged: %.1f s",
        f.longestStall().toMillis() / 1000.0);
    for (FaultResult r : f.faults()) {
      say(
          "  fault at %4d s  %-28s catch-up %s",
          r.atSecond(),
          r.fault(),
          r.catchUp() == null
              ? "not within the limit"
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
    WebhookReceiver hook = null;
    try (KafkaBrokerProcess kafka = new KafkaBrokerProcess(dir.resolve("kafka"));
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        MosquittoProcess mosquitto =
            MosquittoProcess.start("max_inflight_messages 1000\nautosave_interval 5")) {
      kafka.start();
      deploy(kafka.bootstrapServers(), topics, p.collars());
      postgres.createDatabase("soak");
      String db = postgres.jdbcUrl("soak");
      Map<String, String> env = environment(kafka, mosquitto, postgres, db, prefix);
      env.put("TUGAI_GATEWAY_SHARED_GROUP", "soak");
      env.put("TUGAI_GATEWAY_ALERTS_OUT", "true");
      env.put("TUGAI_HTTP_PORT", "0");
      hook = new WebhookReceiver("X-Tugai-Secret");
      // Webhook channels are named in a file (their names are keys): every process reads the same
      // one.
      Path config = dir.resolve("soak.yaml");
      Files.writeString(
          config, "alerts:\n  channels:\n    all: {webhook-url: \"" + hook.url() + "\"}\n");
      Map<String, ServiceProcess> byName = new LinkedHashMap<>();
      for (String s :
          List.of("ingest", "streams-1", "streams-2", "gateway-1", "gateway-2", "api")) {
        Map<String, String> e = new HashMap<>(env);
        String service = s.replaceAll("-\\d$", "");
        if (service.equals("gateway")) {
          e.put("TUGAI_GATEWAY_CLIENT_ID", "soak-" + s);
        }
        if (service.equals("streams")) {
          e.put("TUGAI_STREAMS_STATE_DIR", dir.resolve(s).toString());
          e.put("TUGAI_STREAMS_INSTANCE_ID", "soak-" + s);
        }
        ServiceProcess sp =
            new ServiceProcess(
                s,
                service,
                e,
                dir.resolve(s + ".log"),
                "-Xmx384m",
                List.of("--config", config.toString()));
        sp.start();
        services.add(sp);
        byName.put(s, sp);
      }

      Verifier verifier = new Verifier(db, postgres.user());
      try (AlertWatch watch = new AlertWatch(mosquitto.url());
          FieldLoad load =
              new FieldLoad(mosquitto.url(), p.collars(), p.cameras(), p.rate(), true)) {
        Instant start = Instant.now();
        Progress progress = new Progress(load, verifier);
        progress.start();
        load.start();
        List<String> faults = new ArrayList<>();
        for (int r = 0; r < p.rounds(); r++) {
          faults.addAll(
              List.of(
                  "kill gateway-1",
                  "kill streams-1",
                  "kill ingest",
                  "stop Kafka 20 s",
                  "stop PostgreSQL 30 s",
                  "restart Mosquitto",
                  "webhook receiver down 60 s"));
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
            case "webhook receiver down 60 s" -> {
              hook.down();
              Thread.sleep(60_000);
              hook.up();
            }
            default -> throw new IllegalStateException(fault);
          }
          // A service may die of the fault (a supervisor would restart it): so does the harness,
          // and says so.
          for (ServiceProcess sp : services) {
            if (!sp.alive()) {
              System.out.printf(Locale.ROOT, "soak: %s had exited; restarting it%n", sp.name());
              sp.start();
            }
          }
          results.add(
              new FaultResult(
                  fault,
                  at,
                  progress.catchUp(
                      load.fixesAcked.size() + load.eventsAcked.size(), Duration.ofSeconds(300))));
        }
        long remaining =
            p.duration().toSeconds() - Duration.between(start, Instant.now()).toSeconds();
        if (remaining > 0) {
          Thread.sleep(remaining * 1000);
        }
        load.stop();
        Thread.sleep(2_000); // the last acknowledgements
        Instant stopped = Instant.now();
        Duration drain =
            progress.catchUp(
                load.fixesAcked.size() + load.eventsAcked.size(), Duration.ofSeconds(300));
        progress.stop();
        Figures counted =
            verifier.figures(
                load,
                results,
                progress.longestStall(),
                drain == null ? Duration.between(stopped, Instant.now()) : drain,
                duplicatesBeforeDedupe(kafka.bootstrapServers(), topics));
        Figures f =
            counted.with(
                outputs(kafka.bootstrapServers(), topics, db, postgres.user(), watch, hook, dir));
        if (f.fixesLost() > 0) {
          // Where each lost fix got to: the stage that lost it is the first one it is missing from.
          trace(
                  kafka.bootstrapServers(),
                  topics,
                  load.fixesAcked.stream()
                      .filter(k -> f.lostSamples().stream().anyMatch(l -> l.startsWith(k + " ")))
                      .toList())
              .forEach(l -> System.out.printf(Locale.ROOT, "soak: lost %s%n", l));
        }
        return f;
      } finally {
        for (int i = services.size() - 1; i >= 0; i--) {
          services.get(i).close();
        }
        if (hook != null) {
          hook.close();
        }
      }
    }
  }

  /**
   * Waits (up to three minutes) for every stored alert to have reached the rangers' topics and the
   * webhook, then compares: crossings with a replay of the raw fixes, alerts with their deliveries
   * and their latest state in Kafka.
   */
  static Outputs outputs(
      String bootstrap,
      Topics topics,
      String db,
      String user,
      AlertWatch watch,
      WebhookReceiver hook,
      Path dir)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    Map<String, String[]> stored = storedAlerts(db, user);
    while (System.nanoTime() < deadline
        && !(watch.ids.containsAll(stored.keySet())
            && hook.alertIds().containsAll(stored.keySet()))) {
      Thread.sleep(1_000);
      stored = storedAlerts(db, user);
    }
    Map<String, Alert> latest = new HashMap<>();
    // Per key, the partition's order is the order of its updates.
    scan(bootstrap, topics.alerts(), (r, a) -> latest.put(a.getAlertId(), a));
    List<String> samples = new ArrayList<>();
    long notOnMqtt = 0;
    long notOnWebhook = 0;
    long notFinal = 0;
    Set<String> posted = new HashSet<>(hook.alertIds());
    for (Map.Entry<String, String[]> e : stored.entrySet()) {
      String id = e.getKey();
      if (!watch.ids.contains(id)) {
        notOnMqtt++;
        sample(samples, "not on MQTT: " + id);
      }
      if (!posted.contains(id)) {
        notOnWebhook++;
        sample(samples, "not at the webhook: " + id);
      }
      Alert last = latest.get(id);
      if (last == null
          || !last.getStatus().toString().equalsIgnoreCase(e.getValue()[0])
          || last.getUpdatedAt().toEpochMilli() != Long.parseLong(e.getValue()[1])) {
        notFinal++;
        sample(
            samples,
            "not final: "
                + id
                + " stored "
                + e.getValue()[0]
                + " at "
                + Instant.ofEpochMilli(Long.parseLong(e.getValue()[1]))
                + ", latest in Kafka "
                + (last == null ? "none" : last.getStatus() + " at " + last.getUpdatedAt()));
      }
    }
    if (notFinal > 0) {
      samples.addAll(
          whereInTheLog(
              bootstrap,
              topics,
              stored.keySet().stream().filter(id -> latest.get(id) == null).limit(5).toList()));
    }
    CrossingReplay.Result crossings =
        CrossingReplay.compare(bootstrap, topics, db, user, FieldLoad.COLLAR, dir);
    return new Outputs(
        crossings.stored(),
        crossings.replayed(),
        crossings.differences(),
        stored.size(),
        notOnMqtt,
        notOnWebhook,
        notFinal,
        watch.messages.get(),
        hook.posts.size(),
        samples);
  }

  /**
   * Where alerts the committed log does not show are in the raw log (read uncommitted), against
   * each partition's last stable offset: an aborted transaction, or one left open that holds the
   * stable offset back.
   */
  private static List<String> whereInTheLog(String bootstrap, Topics topics, List<String> ids) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = verifierConsumer(bootstrap, "read_uncommitted");
        KafkaConsumer<String, byte[]> committed = verifierConsumer(bootstrap, "read_committed")) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topics.alerts().name()).stream()
              .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
              .toList();
      Map<TopicPartition, Long> high = consumer.endOffsets(parts);
      Map<TopicPartition, Long> stable = committed.endOffsets(parts);
      out.add(
          "alerts log: high watermarks "
              + high.values()
              + ", last stable offsets "
              + stable.values());
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      PollLoop.toEnd(
          consumer,
          parts,
          Duration.ofMinutes(5),
          r -> {
            if (ids.contains(r.key())) {
              out.add(
                  "  "
                      + r.key()
                      + " uncommitted or aborted at "
                      + r.partition()
                      + "/"
                      + r.offset()
                      + " ("
                      + Instant.ofEpochMilli(r.timestamp())
                      + ")");
            }
          });
    }
    return out;
  }

  private static void sample(List<String> samples, String line) {
    if (samples.size() < 10) {
      samples.add(line);
    }
  }

  /** The store's alerts: id to {status, updated_at in epoch ms}. */
  private static Map<String, String[]> storedAlerts(String db, String user) {
    Map<String, String[]> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(db, user, "");
        ResultSet rs =
            c.createStatement().executeQuery("SELECT alert_id, status, updated_at FROM alerts")) {
      while (rs.next()) {
        out.put(
            rs.getString(1),
            new String[] {rs.getString(2), Long.toString(rs.getTimestamp(3).getTime())});
      }
    } catch (SQLException e) {
      return out; // not there yet
    }
    return out;
  }

  /**
   * Every collar of the load deployed on a red deer from two months back (a fix of a collar in no
   * deployment never confirms a crossing): in the compacted deployments topic before any service
   * starts.
   */
  static void deploy(String bootstrap, Topics topics, int collars) throws Exception {
    TopicAdmin.ensure(
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    bootstrap,
                    "kafka.topic-prefix",
                    topics.prefix(),
                    "kafka.replication-factor",
                    "1"))),
        List.of(topics.deployments()));
    Instant on = Instant.now().minus(Duration.ofDays(60));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap, "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int c = 0; c < collars; c++) {
        String collar = FieldLoad.COLLAR + c;
        Deployment d =
            Deployment.newBuilder()
                .setDeploymentId(collar + "@soak")
                .setDeviceId(collar)
                .setDeviceType(DeviceType.COLLAR)
                .setAnimalId("soak-deer-" + c)
                .setSpecies("Cervus elaphus bactrianus")
                .setDeployOn(on)
                .build();
        producer.send(
            new ProducerRecord<>(
                topics.deployments().name(),
                d.getDeploymentId(),
                topics
                    .deployments()
                    .valueSerde()
                    .serializer()
                    .serialize(topics.deployments().name(), d)));
      }
      producer.flush();
    }
  }

  /**
   * What every {@code bin/tugai} process of a harness is given: the brokers and the store, devices
   * accepted unregistered.
   */
  static Map<String, String> environment(
      KafkaBrokerProcess kafka,
      MosquittoProcess mosquitto,
      EmbeddedPostgres postgres,
      String db,
      String prefix) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "TUGAI_KAFKA_TOPIC_PREFIX",
                prefix,
                "TUGAI_MQTT_URL",
                mosquitto.url(),
                "TUGAI_DB_URL",
                db,
                "TUGAI_DB_USER",
                postgres.user(),
                "TUGAI_DB_PASSWORD",
                "",
                "TUGAI_GATEWAY_UNKNOWN_DEVICES",
                "accept",
                "TUGAI_GATEWAY_ALERTS_OUT",
                "false"));
    env.put("TUGAI_KAFKA_REPLICATION_FACTOR", "1");
    return env;
  }

  private static void restart(ServiceProcess sp) throws Exception {
    sp.kill();
    sp.start();
  }

  /**
   * Records in the raw fixes topic beyond one per natural key: copies the gateway sent again after
   * a fault.
   */
  static long duplicatesBeforeDedupe(String bootstrap, Topics topics) {
    Set<String> keys = new HashSet<>();
    long[] records = {0};
    scan(
        bootstrap,
        topics.fixes(),
        (r, f) -> {
          if (f.getCollarId().startsWith(FieldLoad.COLLAR)) {
            records[0]++;
            keys.add(f.getCollarId() + "@" + f.getFixTime().toEpochMilli());
          }
        });
    return records[0] - keys.size();
  }

  /**
   * A consumer of the verifier's: assigned, never in a group, big polls, values left as bytes (the
   * caller decodes with the topic's serde).
   *
   * @param isolation {@code read_committed}, or {@code read_uncommitted} to see open and aborted
   *     transactions' records
   */
  static KafkaConsumer<String, byte[]> verifierConsumer(String bootstrap, String isolation) {
    return new KafkaConsumer<>(
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "max.poll.records",
            "5000",
            "isolation.level",
            isolation),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Every committed record of {@code topic}, from its beginning to its end now. */
  private static <V> void scan(
      String bootstrap,
      TopicSpec<String, V> topic,
      BiConsumer<ConsumerRecord<String, byte[]>, V> each) {
    try (KafkaConsumer<String, byte[]> consumer = verifierConsumer(bootstrap, "read_committed")) {
      PollLoop.fromBeginning(
          consumer,
          topic.name(),
          Duration.ofMinutes(5),
          r -> {
            V v = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
            if (v != null) {
              each.accept(r, v);
            }
          });
    }
  }

  /** For each key, the raw and enriched records that carry it (partition/offset, timestamp). */
  static List<String> trace(String bootstrap, Topics topics, List<String> keys) {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    keys.forEach(k -> seen.put(k, new ArrayList<>()));
    for (var topic : List.of(topics.fixes(), topics.fixesEnriched())) {
      scan(
          bootstrap,
          topic,
          (r, f) -> {
            List<String> where = seen.get(f.getCollarId() + "@" + f.getFixTime().toEpochMilli());
            if (where != null) {
              where.add(
                  topic.name().substring(topic.name().indexOf("tugai."))
                      + " "
                      + r.partition()
                      + "/"
                      + r.offset()
                      + " at "
                      + Instant.ofEpochMilli(r.timestamp())
                      + " flags "
                      + f.getQualityFlags());
            }
          });
    }
    List<String> out = new ArrayList<>();
    seen.forEach(
        (k, where) ->
            out.add(k + ": " + (where.isEmpty() ? "in no topic" : String.join("; ", where))));
    return out;
  }

  /**
   * Samples the store every second: what it holds, and how long it went without taking anything
   * new.
   */
  static final class Progress {
    private final FieldLoad load;
    private final Verifier verifier;
    private final ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-progress"));
    private final AtomicLong stored = new AtomicLong();
    private volatile Instant lastGrowth = Instant.now();
    private volatile Duration longestStall = Duration.ZERO;
    private long lastLog;

    Progress(FieldLoad load, Verifier verifier) {
      this.load = load;
      this.verifier = verifier;
    }

    void start() {
      sampler.scheduleWithFixedDelay(
          () -> {
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
          },
          1,
          1,
          TimeUnit.SECONDS);
    }

    /**
     * How long until the store holds at least {@code target} of the harness's messages; null if not
     * within {@code limit}.
     */
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
        return count(
                c, "SELECT count(*) FROM fixes WHERE collar_id LIKE '" + FieldLoad.COLLAR + "%'")
            + count(
                c,
                "SELECT count(*) FROM camera_events WHERE camera_id LIKE '"
                    + FieldLoad.CAMERA
                    + "%'");
      } catch (Exception e) {
        return -1;
      }
    }

    Figures figures(
        FieldLoad load, List<FaultResult> faults, Duration stall, Duration drain, long duplicates)
        throws Exception {
      Set<String> fixes = new HashSet<>();
      Set<String> events = new HashSet<>();
      long bad;
      long other;
      try (Connection c = DriverManager.getConnection(url, user, "")) {
        try (ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT collar_id, fix_time FROM fixes WHERE collar_id LIKE '"
                        + FieldLoad.COLLAR
                        + "%'")) {
          while (rs.next()) {
            fixes.add(rs.getString(1) + "@" + rs.getTimestamp(2).getTime());
          }
        }
        try (ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT camera_id, event_id FROM camera_events WHERE camera_id LIKE '"
                        + FieldLoad.CAMERA
                        + "%'")) {
          while (rs.next()) {
            events.add(rs.getString(1) + "/" + rs.getString(2));
          }
        }
        bad =
            count(
                c,
                "SELECT count(*) FROM dead_letters WHERE device_id LIKE '" + FieldLoad.BAD + "%'");
        other =
            count(
                c,
                "SELECT count(*) FROM dead_letters WHERE device_id IS NULL OR device_id NOT LIKE '"
                    + FieldLoad.BAD
                    + "%'");
      }
      List<String> lost = load.fixesAcked.stream().filter(k -> !fixes.contains(k)).toList();
      long fixesLost = lost.size();
      List<String> samples = new ArrayList<>();
      lost.stream()
          .limit(10)
          .forEach(
              k ->
                  samples.add(
                      k
                          + " acknowledged at "
                          + load.ackedAt.get(k)
                          + (load.noSubscribers.contains(k) ? " (answered 0x10 before)" : "")));
      load.eventsAcked.stream()
          .filter(k -> !events.contains(k))
          .limit(10)
          .forEach(k -> samples.add("event " + k + " acknowledged at " + load.ackedAt.get(k)));
      long unknown = fixes.stream().filter(k -> !load.fixesSent.contains(k)).count();
      long eventsLost = load.eventsAcked.stream().filter(k -> !events.contains(k)).count();
      return new Figures(
          load.fixesSent.size(),
          load.fixesAcked.size(),
          fixes.size(),
          fixesLost,
          unknown,
          load.eventsAcked.size(),
          events.size(),
          eventsLost,
          duplicates,
          load.badAcked.get(),
          bad,
          other,
          load.refusedByClient.get(),
          stall,
          faults,
          drain,
          load.noSubscribers.size(),
          samples,
          null);
    }

    private static long count(Connection c, String sql) throws Exception {
      try (ResultSet rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
