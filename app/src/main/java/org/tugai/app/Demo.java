package org.tugai.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.postgresql.ds.PGSimpleDataSource;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.app.sim.FieldSimulator;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.EmbeddedKafka;
import org.tugai.embedded.EmbeddedMqttBroker;
import org.tugai.embedded.EmbeddedPostgres;
import org.tugai.embedded.FreePorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole pipeline in one process on embedded Kafka, MQTT and PostgreSQL, fed by a simulated
 * field station.
 */
@Command(
    name = "demo",
    description =
        "Run the whole pipeline on embedded Kafka, MQTT and PostgreSQL with simulated collared deer and camera traps.")
final class Demo implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--collars",
      defaultValue = "12",
      description = "simulated collared deer (default ${DEFAULT-VALUE})")
  int collars;

  @Option(
      names = "--speed",
      defaultValue = "180",
      description =
          "simulated seconds per real second (default ${DEFAULT-VALUE}: "
              + "a 15-minute fix interval every 5 s); the simulation starts in the past and runs in real time once it reaches now")
  double speed;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description =
          "API and dashboard port; a free one is used if it is taken (default ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--for",
      description = "stop by itself after this many seconds (default: run until Ctrl-C)")
  Long seconds;

  @Override
  public Integer call() throws Exception {
    if (!(speed >= 1 && speed <= 10_000)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--speed must be between 1 and 10000, not " + speed);
    }
    CountDownLatch stop = new CountDownLatch(1);
    // Ctrl-C (and SIGTERM) end the run loop instead of starting JVM shutdown: the services then
    // stop in order while Kafka's log directories still exist (its test kit deletes them from a
    // shutdown hook of its own). A second Ctrl-C while stopping does not wait.
    for (String name : List.of("INT", "TERM")) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> {
              if (stop.getCount() == 0) {
                Runtime.getRuntime().halt(130);
              }
              say("");
              say("Stopping (Ctrl-C again to abort)...");
              stop.countDown();
            });
      } catch (IllegalArgumentException unsupported) {
        // No such signal on this platform: the default handling applies.
      }
    }

    say(
        "Tugai demo: starting embedded Kafka (KRaft), MQTT 5 broker and PostgreSQL on free ports...");
    Path state = Files.createTempDirectory("tugai-demo-streams-");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
        EmbeddedMqttBroker mqtt = EmbeddedMqttBroker.start();
        EmbeddedKafka kafka = EmbeddedKafka.start()) {
      postgres.createDatabase("tugai");
      int port = portOrFree(httpPort);
      String dbUrl = postgres.jdbcUrl("tugai");
      Settings settings =
          Settings.of(
              Map.of(
                  "kafka.bootstrap-servers",
                  kafka.bootstrapServers(),
                  "kafka.replication-factor",
                  "1",
                  "mqtt.url",
                  mqtt.url(),
                  "db.url",
                  dbUrl,
                  "db.user",
                  postgres.user(),
                  "http.port",
                  String.valueOf(port),
                  "gateway.client-id",
                  "tugai-demo-gateway",
                  "streams.state-dir",
                  state.toString(),
                  "streams.commit-interval",
                  "200ms",
                  "alerts.silence.check-every",
                  "5s"));
      try (Services services = Services.configure(settings, Set.copyOf(Services.ALL))) {
        services.start();
        Map<Role, String> tokens = tokens(dbUrl, postgres.user());
        // The port actually bound (0 asks for any free one).
        String base = "http://127.0.0.1:" + services.get(org.tugai.api.ApiService.class).port();
        say("");
        say("  Dashboard  " + base + "/#token=" + tokens.get(Role.ADMIN) + "   (admin)");
        say(
            "             "
                + base
                + "/#token="
                + tokens.get(Role.RANGER)
                + "   (ranger of pa-beshai-palangon)");
        say(
            "  API        "
                + base
                + "/api/v1/openapi.json   scientist token: "
                + tokens.get(Role.SCIENTIST));
        say(
            "             curl -H 'Authorization: Bearer "
                + tokens.get(Role.SCIENTIST)
                + "' "
                + base
                + "/api/v1/crossings");
        say("  Health     " + base + "/health   metrics: " + base + "/metrics");
        say(
            "  MQTT       "
                + mqtt.url()
                + "   (devices publish to tugai/v1/collars/{id}/fixes, tugai/v1/cameras/{id}/detections)");
        say("  Kafka      " + kafka.bootstrapServers());
        say("  PostgreSQL " + dbUrl + " user " + postgres.user());
        say("");
        Duration realRound =
            Duration.ofMillis(Math.max(200, (long) (FieldSimulator.FIX_INTERVAL_MS / speed)));
        Instant realStart = Instant.now();
        // Start in the past, so compressed time never runs into the future; once it reaches now, it
        // runs in real time.
        Instant simStart =
            realStart.minus(Duration.ofSeconds((long) Math.min(14 * 86_400, speed * 20 * 60)));
        Supplier<Instant> simTime =
            () -> {
              Instant compressed =
                  simStart.plusMillis(
                      (long) (Duration.between(realStart, Instant.now()).toMillis() * speed));
              return compressed.isAfter(Instant.now()) ? Instant.now() : compressed;
            };
        try (FieldSimulator field =
            new FieldSimulator(MqttSettings.from(settings), "tugai-demo-field", collars, simTime)) {
          // What bin/tugai registry import does, for the simulated collars and cameras.
          RegistryCommand.publish(
              KafkaSettings.from(settings),
              field.deployments(simStart.minus(Duration.ofDays(30)), realRound));
          say(
              String.format(
                  Locale.ROOT,
                  "Simulating %d collared Bukhara deer on the Vakhsh, Panj and Zarafshon and %d camera traps;"
                      + " %.0fx speed from %s (a fix round every %.1f s). Ctrl-C stops everything.",
                  collars,
                  field.cameras().size(),
                  speed,
                  simStart.truncatedTo(ChronoUnit.MINUTES),
                  realRound.toMillis() / 1000.0));
          long lastStatus = 0;
          while (!stop.await(realRound.toMillis(), TimeUnit.MILLISECONDS)) {
            field.round();
            long now = System.currentTimeMillis();
            if (now - lastStatus >= 5_000) {
              lastStatus = now;
              say(status(dbUrl, postgres.user(), field, simTime.get()));
            }
            if (seconds != null
                && Duration.between(realStart, Instant.now()).toSeconds() >= seconds) {
              break;
            }
          }
          say(status(dbUrl, postgres.user(), field, simTime.get()));
        }
        say("Stopping the services...");
      }
    }
    say("Tugai demo stopped.");
    return 0;
  }

  /** One token per role for the demo's users; stored hashed like any other. */
  private static Map<Role, String> tokens(String url, String user) throws SQLException {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(user);
    ApiTokens tokens = new ApiTokens(ds);
    Map<Role, String> out = new EnumMap<>(Role.class);
    out.put(Role.ADMIN, tokens.create("demo admin", Role.ADMIN, List.of(), null).token());
    out.put(
        Role.RANGER,
        tokens.create("ranger Dilnoza", Role.RANGER, List.of("pa-beshai-palangon"), null).token());
    out.put(
        Role.SCIENTIST, tokens.create("demo scientist", Role.SCIENTIST, List.of(), null).token());
    return out;
  }

  static String status(String url, String user, FieldSimulator field, Instant simTime) {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM fixes), (SELECT count(*) FROM detections), "
                    + "(SELECT count(*) FROM current_crossings), (SELECT count(*) FROM alerts), (SELECT count(*) FROM alerts WHERE status = 'open'), "
                    + "(SELECT count(*) FROM dead_letters)")) {
      rs.next();
      return String.format(
          Locale.ROOT,
          "[%s] sent %d fixes, %d camera events, %d broken | stored: %d fixes, %d detections, "
              + "%d crossings, %d alerts (%d open), %d dead letters",
          simTime.truncatedTo(ChronoUnit.MINUTES),
          field.fixesSent(),
          field.cameraEventsSent(),
          field.brokenSent(),
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3),
          rs.getLong(4),
          rs.getLong(5),
          rs.getLong(6));
    } catch (SQLException e) {
      return "[status] store not ready: " + e.getMessage();
    }
  }

  private static int portOrFree(int wanted) {
    try (ServerSocket socket = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
      return wanted;
    } catch (IOException taken) {
      return FreePorts.pick();
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
