package org.tugai.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.app.Services;
import org.tugai.app.Tugai;
import org.tugai.app.sim.DeviceClient;
import org.tugai.app.sim.SimulateCommand;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import picocli.CommandLine;

/**
 * A Movebank export and the load generator, published over a real MQTT broker through the whole
 * pipeline into the store.
 */
@ExtendWith(TugaiInfrastructure.class)
class ReplayIT {

  @TempDir Path state;

  @Test
  void everyRowWithAPositionIsAFixFailedFixesAreCountedAndSimulatedCollarsArrive(
      Infrastructure infra) throws Exception {
    Infrastructure.Database db = infra.newDatabase();
    Settings settings =
        Settings.of(
            Map.of(
                "kafka.bootstrap-servers",
                infra.kafkaBootstrapServers(),
                "kafka.topic-prefix",
                Infrastructure.uniqueName("replay") + ".",
                "mqtt.url",
                infra.mqttUrl(),
                "db.url",
                db.url(),
                "db.user",
                db.user(),
                "db.password",
                db.password(),
                "gateway.client-id",
                Infrastructure.uniqueName("gw"),
                "streams.state-dir",
                state.toString(),
                "streams.commit-interval",
                "100ms"));
    try (Services services = Services.configure(settings, Set.of("gateway", "streams", "ingest"))) {
      services.start();
      Path export =
          Path.of(ReplayIT.class.getResource("/movebank/bukhara-deer-example.csv").toURI());
      MqttClient client =
          DeviceClient.connect(
              MqttSettings.from(Settings.of(Map.of("mqtt.url", infra.mqttUrl()))),
              Infrastructure.uniqueName("replay"));
      ReplayCommand.Counts counts;
      try {
        counts = ReplayCommand.replay(export, client, 0);
      } finally {
        client.disconnect();
        client.close();
      }
      assertThat(counts.sent()).isEqualTo(120);
      assertThat(counts.failed()).isEqualTo(15);
      assertThat(counts.skipped())
          .containsOnly(
              Map.entry("timestamp '...' is not yyyy-MM-dd HH:mm:ss.SSS", 1L),
              Map.entry("no tag-local-identifier", 1L),
              Map.entry("location 95.2, 68.3 is outside the globe", 1L));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(
                          db,
                          "SELECT count(*) FROM fixes WHERE collar_id IN ('7431', '7432', '7590')")
                      == 120);
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM fixes WHERE collar_id IN ('7431', '7432', '7590') AND lat IS NOT NULL"))
          .isEqualTo(105);
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM fixes WHERE collar_id IN ('7431', '7432', '7590') AND lat IS NULL AND fix_type = 'none'"))
          .isEqualTo(15);
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM fixes WHERE collar_id = '7431' AND fix_time = '2019-03-01 00:00:39+00'"))
          .isEqualTo(1);

      // The load generator, as bin/tugai simulate, against the same broker.
      String prefix = Infrastructure.uniqueName("SIM");
      CommandLine cli = Tugai.commandLine(Map.of("TUGAI_MQTT_URL", infra.mqttUrl()));
      int exit =
          cli.execute(
              "simulate", "--devices", "7", "--rate", "100", "--duration", "2", "--prefix", prefix);
      assertThat(exit).isZero();
      long sent = ((SimulateCommand) cli.getSubcommands().get("simulate").getCommand()).sent();
      assertThat(sent).isBetween(150L, 201L);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(db, "SELECT count(*) FROM fixes WHERE collar_id LIKE '" + prefix + "-%'")
                      == sent);
      assertThat(
              count(
                  db,
                  "SELECT count(DISTINCT collar_id) FROM fixes WHERE collar_id LIKE '"
                      + prefix
                      + "-%'"))
          .isEqualTo(7);
    }
  }

  static long count(Infrastructure.Database db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
