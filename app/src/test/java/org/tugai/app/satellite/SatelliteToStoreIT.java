package org.tugai.app.satellite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.app.Services;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.FreePorts;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.iridium.DirectIp;
import org.tugai.gateway.iridium.RockBlockWebhook;

/**
 * Satellite inputs through the whole pipeline into PostgreSQL: a DirectIP message delivered twice
 * at once (the Iridium gateway retrying before our confirmation) and again after it, a webhook
 * delivered twice, and a vendor export dropped twice under two names. Every fix is stored exactly
 * once.
 */
@ExtendWith(TugaiInfrastructure.class)
class SatelliteToStoreIT {

  private static final String IMEI = "300234010753399";
  private static final String RB_IMEI = "300234010753398";
  private static final String SECRET = "a-provider-secret-of-some-length";

  @TempDir Path dir;

  @Test
  void everyFixFromEverySatelliteInputIsStoredExactlyOnce(Infrastructure infra) throws Exception {
    String prefix = Infrastructure.uniqueName("sat") + ".";
    Infrastructure.Database db = infra.newDatabase();
    String collar = Infrastructure.uniqueName("IR");
    int directIp = FreePorts.pick();
    int webhook = FreePorts.pick();
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    Settings settings =
        Settings.of(
            Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", infra.kafkaBootstrapServers()),
                Map.entry("kafka.topic-prefix", prefix),
                Map.entry("kafka.partitions", "2"),
                Map.entry("mqtt.url", infra.mqttUrl()),
                Map.entry("db.url", db.url()),
                Map.entry("db.user", db.user()),
                Map.entry("db.password", db.password()),
                Map.entry("gateway.client-id", Infrastructure.uniqueName("gateway")),
                Map.entry("gateway.alerts-out", "false"),
                Map.entry("gateway.directip.port", String.valueOf(directIp)),
                Map.entry("gateway.directip.bind", "127.0.0.1"),
                Map.entry("gateway.rockblock.port", String.valueOf(webhook)),
                Map.entry("gateway.rockblock.bind", "127.0.0.1"),
                Map.entry("gateway.rockblock.secret", SECRET),
                Map.entry("gateway.inbox.dir", inbox.toString()),
                Map.entry("gateway.inbox.poll-every", "200ms"),
                Map.entry("gateway.inbox.settle", "0s"),
                Map.entry("streams.state-dir", dir.resolve("state").toString()),
                Map.entry("streams.commit-interval", "100ms"),
                Map.entry("metrics.port", "0")));
    Instant deployed = Instant.parse("2026-01-01T00:00:00Z");
    RegistryCommand.publish(
        KafkaSettings.from(settings),
        List.of(
            Deployment.newBuilder()
                .setDeploymentId(collar + "@1")
                .setDeviceId(collar)
                .setDeviceType(DeviceType.COLLAR)
                .setDeployOn(deployed)
                .setImei(IMEI)
                .build(),
            Deployment.newBuilder()
                .setDeploymentId(collar + "-rb@1")
                .setDeviceId(collar + "-rb")
                .setDeviceType(DeviceType.COLLAR)
                .setDeployOn(deployed)
                .setImei(RB_IMEI)
                .build(),
            Deployment.newBuilder()
                .setDeploymentId("712044A@1")
                .setDeviceId("712044A")
                .setDeviceType(DeviceType.COLLAR)
                .setDeployOn(deployed)
                .build()));
    try (Services services = Services.configure(settings, Set.of("ingest", "streams", "gateway"))) {
      services.start();
      Instant base = Instant.now().minus(8, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
      byte[] message =
          DirectIp.encode(
              77,
              IMEI,
              0,
              41,
              0,
              base.plus(4, ChronoUnit.HOURS),
              records(base, 4),
              Optional.empty());
      // Two deliveries of one message at once, as a retrying Iridium gateway makes them, then one
      // more after the confirmation.
      CompletableFuture<byte[]> first =
          CompletableFuture.supplyAsync(() -> send(directIp, message));
      CompletableFuture<byte[]> second =
          CompletableFuture.supplyAsync(() -> send(directIp, message));
      assertThat(first.get()).containsExactly(DirectIp.confirmation(true));
      assertThat(second.get()).containsExactly(DirectIp.confirmation(true));
      assertThat(send(directIp, message)).containsExactly(DirectIp.confirmation(true));

      String form =
          "imei="
              + RB_IMEI
              + "&momsn=5&transmit_time="
              + DateTimeFormatter.ofPattern("yy-MM-dd%20HH:mm:ss")
                  .withZone(ZoneOffset.UTC)
                  .format(base.plus(3, ChronoUnit.HOURS))
              + "&data="
              + HexFormat.of().formatHex(records(base, 2));
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + webhook
                                    + RockBlockWebhook.PATH
                                    + "?secret="
                                    + SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }

      byte[] export;
      try (InputStream in =
          Files.newInputStream(
              Path.of(
                  "..",
                  "gateway",
                  "src",
                  "test",
                  "resources",
                  "vendor",
                  "telonics-complete.csv"))) {
        export = in.readAllBytes();
      }
      Files.write(inbox.resolve("712044A Complete.csv"), export);
      Files.setLastModifiedTime(
          inbox.resolve("712044A Complete.csv"), FileTime.from(Instant.now().minusSeconds(60)));

      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  count(db, "SELECT count(*) FROM fixes WHERE collar_id = '" + collar + "'") == 4
                      && count(
                              db,
                              "SELECT count(*) FROM fixes WHERE collar_id = '" + collar + "-rb'")
                          == 2
                      && count(db, "SELECT count(*) FROM fixes WHERE collar_id = '712044A'") == 6);
      // The same export once more under another name, as a sync job copies it: nothing new.
      Files.write(inbox.resolve("copy of 712044A.csv"), export);
      Files.setLastModifiedTime(
          inbox.resolve("copy of 712044A.csv"), FileTime.from(Instant.now().minusSeconds(60)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !Files.exists(inbox.resolve("copy of 712044A.csv")));

      assertThat(count(db, "SELECT count(*) - count(DISTINCT (collar_id, fix_time)) FROM fixes"))
          .isZero();
      assertThat(count(db, "SELECT count(*) FROM fixes WHERE collar_id = '" + collar + "'"))
          .isEqualTo(4);
      assertThat(count(db, "SELECT count(*) FROM fixes WHERE collar_id = '712044A'")).isEqualTo(6);
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM fixes WHERE collar_id = '712044A' AND location_class = '1' AND error_radius_m = 612"))
          .isEqualTo(1);
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM fixes WHERE collar_id = '712044A' AND location_class = 'B'"
                      + " AND 'poor-quality' = ANY(quality_flags)"))
          .isEqualTo(1);
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM fixes WHERE collar_id = '"
                      + collar
                      + "' AND source LIKE 'iridium-directip:"
                      + IMEI
                      + ":41'"))
          .isEqualTo(4);
    }
  }

  /** {@code n} compact records an hour apart. */
  private static byte[] records(Instant first, int n) {
    ByteBuffer b = ByteBuffer.allocate(16 * n);
    for (int i = 0; i < n; i++) {
      b.putInt((int) first.plusSeconds(3_600L * i).getEpochSecond())
          .putInt(374_000_000 + i * 1_000)
          .putInt(682_000_000 + i * 1_000)
          .putShort((short) 400)
          .put((byte) 11)
          .put((byte) ((9 << 3) | (3 << 1)));
    }
    return b.array();
  }

  private static byte[] send(int port, byte[] message) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(message);
      out.flush();
      return socket.getInputStream().readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static long count(Infrastructure.Database db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
