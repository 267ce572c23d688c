package org.tugai.bench.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tugai.embedded.EmbeddedPostgres;
import org.tugai.embedded.KafkaBrokerProcess;
import org.tugai.embedded.MosquittoProcess;

/**
 * The whole pipeline on one machine, as an operator sizing a server would run it: one {@code
 * bin/tugai run} (gateway, streams, ingest, API in one JVM) against a Kafka broker process,
 * Mosquitto and PostgreSQL on the same cores, collars publishing QoS 1 at a steady rate. For each
 * rate asked: was it sustained, that is, every acknowledged fix stored exactly once and the store
 * caught up within 30 s of the last publish. Each rate runs on fresh processes, so one rate's
 * backlog does not weigh on the next.
 *
 * <p>{@code bin/bench pipeline [--rates 1000,2000,3500] [--minutes 10] [--collars 1000]}
 */
public final class Pipeline {

  /** What one rate did. */
  record Outcome(
      int rate,
      long acked,
      long stored,
      long lost,
      long unknown,
      double storedPerSecond,
      Duration catchUp,
      long rssMb) {
    boolean sustained() {
      return lost == 0
          && unknown == 0
          && catchUp != null
          && catchUp.compareTo(Duration.ofSeconds(30)) <= 0;
    }
  }

  private Pipeline() {}

  public static void main(String[] args) throws Exception {
    String rates = stringArg(args, "--rates", "1000,2000,3500");
    Duration duration = Duration.ofMinutes(Soak.intArg(args, "--minutes", 10));
    int collars = Soak.intArg(args, "--collars", 1000);
    say(
        "pipeline: bin/tugai run (all services in one JVM), a Kafka broker process, Mosquitto, PostgreSQL on %d cores; %d collars, QoS 1, "
            + "%d min per rate",
        Runtime.getRuntime().availableProcessors(), collars, duration.toMinutes());
    List<Outcome> outcomes = new ArrayList<>();
    for (String r : rates.split(",")) {
      Outcome o =
          run(
              Integer.parseInt(r.trim()),
              duration,
              collars,
              Files.createTempDirectory("tugai-pipeline-"));
      outcomes.add(o);
      say(
          "  %,6d fixes/s: acknowledged %,d, stored %,d (%,.0f/s while loaded), lost %d, stored unasked %d, caught up %s after the "
              + "last publish, resident memory of bin/tugai run %d MB: %s",
          o.rate(),
          o.acked(),
          o.stored(),
          o.storedPerSecond(),
          o.lost(),
          o.unknown(),
          o.catchUp() == null
              ? "not within 5 min"
              : String.format(Locale.ROOT, "%.1f s", o.catchUp().toMillis() / 1000.0),
          o.rssMb(),
          o.sustained() ? "SUSTAINED" : "not sustained");
    }
    int best = outcomes.stream().filter(Outcome::sustained).mapToInt(Outcome::rate).max().orElse(0);
    say("highest rate sustained for %d min: %,d fixes/s (goal: 3,500)", duration.toMinutes(), best);
  }

  static Outcome run(int rate, Duration duration, int collars, Path dir) throws Exception {
    String prefix = "pipe" + Long.toHexString(System.nanoTime() & 0xffffff) + ".";
    try (KafkaBrokerProcess kafka = new KafkaBrokerProcess(dir.resolve("kafka"));
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        MosquittoProcess mosquitto = MosquittoProcess.start("max_inflight_messages 1000")) {
      kafka.start();
      postgres.createDatabase("pipeline");
      String db = postgres.jdbcUrl("pipeline");
      Map<String, String> env = Soak.environment(kafka, mosquitto, postgres, db, prefix);
      env.put("TUGAI_STREAMS_STATE_DIR", dir.resolve("state").toString());
      env.put("TUGAI_HTTP_PORT", "0");
      try (ServiceProcess tugai =
              new ServiceProcess("run", "run", env, dir.resolve("run.log"), "-Xmx1g");
          FieldLoad load = new FieldLoad(mosquitto.url(), collars, 0, rate)) {
        tugai.start();
        Soak.Verifier verifier = new Soak.Verifier(db, postgres.user());
        Soak.Progress progress = new Soak.Progress(load, verifier);
        progress.start();
        Instant started = Instant.now();
        load.start();
        Thread.sleep(duration.toMillis());
        load.stop();
        long rss = tugai.rssMb();
        long storedAtStop = Math.max(0, verifier.storedCount());
        double perSecond =
            storedAtStop / (double) Duration.between(started, Instant.now()).toSeconds();
        Thread.sleep(2_000); // the last acknowledgements
        Duration catchUp = progress.catchUp(load.fixesAcked.size(), Duration.ofMinutes(5));
        progress.stop();
        Soak.Figures f =
            verifier.figures(
                load, List.of(), Duration.ZERO, catchUp == null ? Duration.ZERO : catchUp, 0);
        return new Outcome(
            rate,
            f.fixesAcked(),
            f.fixesStored(),
            f.fixesLost(),
            f.fixesUnknown(),
            perSecond,
            catchUp == null ? null : catchUp.plusSeconds(2),
            rss);
      }
    }
  }

  private static String stringArg(String[] args, String name, String defaultValue) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return defaultValue;
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }
}
