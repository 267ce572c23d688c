package org.tugai.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.core.config.Settings;
import org.tugai.embedded.EmbeddedKafka;
import org.tugai.embedded.EmbeddedMqttBroker;
import org.tugai.embedded.EmbeddedPostgres;
import org.tugai.embedded.FreePorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The whole pipeline in one process on embedded Kafka, MQTT and PostgreSQL, fed by simulated collars. */
@Command(name = "demo", description = "Run the whole pipeline on embedded Kafka, MQTT and PostgreSQL with simulated collars.")
final class Demo implements Callable<Integer> {

  @Option(names = "--collars", defaultValue = "5", description = "simulated collared deer (default ${DEFAULT-VALUE})")
  int collars;

  @Option(names = "--interval-ms", defaultValue = "2000", description = "milliseconds between fix rounds (default ${DEFAULT-VALUE})")
  long intervalMs;

  @Option(names = "--http-port", defaultValue = "8080", description = "API port; a free one is used if it is taken (default ${DEFAULT-VALUE})")
  int httpPort;

  @Option(names = "--for", description = "stop by itself after this many seconds (default: run until Ctrl-C)")
  Long seconds;

  @Override
  public Integer call() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        cleanedUp.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "tugai-demo-shutdown"));

    say("Tugai demo: starting embedded Kafka (KRaft), MQTT 5 broker and PostgreSQL on free ports...");
    Path state = Files.createTempDirectory("tugai-demo-streams-");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
         EmbeddedMqttBroker mqtt = EmbeddedMqttBroker.start();
         EmbeddedKafka kafka = EmbeddedKafka.start()) {
      postgres.createDatabase("tugai");
      int port = portOrFree(httpPort);
      Settings settings = Settings.of(Map.of(
          "kafka.bootstrap-servers", kafka.bootstrapServers(),
          "kafka.replication-factor", "1",
          "mqtt.url", mqtt.url(),
          "db.url", postgres.jdbcUrl("tugai"),
          "db.user", postgres.user(),
          "http.port", String.valueOf(port),
          "gateway.client-id", "tugai-demo-gateway",
          "streams.state-dir", state.toString(),
          "streams.commit-interval", "200ms"));
      try (Services services = Services.configure(settings, java.util.Set.copyOf(Services.ALL))) {
        services.start();
        say("");
        say("  Kafka      " + kafka.bootstrapServers());
        say("  MQTT       " + mqtt.url() + "   (try: mosquitto_pub -p " + mqtt.port()
            + " -t tugai/v1/collars/TJ-BD-017/fixes -m '{...}')");
        say("  PostgreSQL " + postgres.jdbcUrl("tugai") + " user " + postgres.user());
        say("  API        http://127.0.0.1:" + port + "/health   metrics: http://127.0.0.1:" + port + "/metrics");
        say("");
        say("Simulating " + collars + " collared Bukhara deer; Ctrl-C stops everything.");
        try (DemoSimulator simulator = new DemoSimulator(mqtt.url(), collars, Clock.systemUTC())) {
          // What bin/tugai registry import does, for the simulated collars.
          RegistryCommand.publish(org.tugai.core.config.KafkaSettings.from(settings),
              simulator.deployments(java.time.Instant.now().minus(java.time.Duration.ofDays(30))));
          long started = System.currentTimeMillis();
          long lastStatus = 0;
          while (!stop.await(intervalMs, TimeUnit.MILLISECONDS)) {
            simulator.round();
            long now = System.currentTimeMillis();
            if (now - lastStatus >= 5_000) {
              lastStatus = now;
              say(status(postgres.jdbcUrl("tugai"), postgres.user(), simulator));
            }
            if (seconds != null && now - started >= seconds * 1000) {
              break;
            }
          }
          say(status(postgres.jdbcUrl("tugai"), postgres.user(), simulator));
          latestFixes(postgres.jdbcUrl("tugai"), postgres.user());
        }
        say("Stopping...");
      }
    } finally {
      say("Tugai demo stopped.");
      cleanedUp.countDown();
    }
    return 0;
  }

  private static String status(String url, String user, DemoSimulator simulator) {
    try (Connection c = DriverManager.getConnection(url, user, "");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM fixes), (SELECT count(DISTINCT collar_id) FROM fixes), "
             + "(SELECT count(*) FROM dead_letters), (SELECT count(*) FROM current_crossings), "
             + "(SELECT count(*) FROM fixes WHERE quality_flags <> '{}')")) {
      rs.next();
      return String.format("[status] sent %d fixes + %d broken messages | stored: %d fixes from %d collars (%d flagged), "
          + "%d crossings, %d dead letters", simulator.sent(), simulator.broken(), rs.getLong(1), rs.getLong(2), rs.getLong(5),
          rs.getLong(4), rs.getLong(3));
    } catch (SQLException e) {
      return "[status] store not ready: " + e.getMessage();
    }
  }

  private static void latestFixes(String url, String user) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, "");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT collar_id, fix_time, lat, lon, battery_v FROM fixes ORDER BY fix_time DESC, collar_id LIMIT 5")) {
      say("Latest fixes in table fixes:");
      while (rs.next()) {
        say(String.format("  %-10s %s  lat %.5f  lon %.5f  battery %.2f V", rs.getString(1), rs.getTimestamp(2).toInstant(),
            rs.getDouble(3), rs.getDouble(4), rs.getDouble(5)));
      }
    }
  }

  private static int portOrFree(int wanted) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(wanted, 1, java.net.InetAddress.getLoopbackAddress())) {
      return wanted;
    } catch (java.io.IOException taken) {
      return FreePorts.pick();
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
