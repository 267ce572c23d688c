package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.tugai.api.ApiService;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.embedded.junit.HostileCorpus;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * The committed hostile corpus through the running pipeline (gateway, streams, ingest, API on real
 * MQTT, Kafka and PostgreSQL): every device case is stored as a dead letter with its reason (so
 * every dead letter is storable), payloads of 1, 5 and 8 MB are kept only truncated, every good
 * message sent between them is stored, every HTTP case is refused with its status, and afterwards
 * every service thread still runs and every path still works.
 */
@ExtendWith(TugaiInfrastructure.class)
class HostileCorpusIT {

  static final String ZONE = "pa-a";
  static final String RANGER = "ranger-a";
  @TempDir Path state;

  @Test
  void everyHostileInputIsRefusedWithItsReasonAndThePipelineGoesOn(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("hostile") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    Infrastructure.Database db = infra.newDatabase();
    String run = Infrastructure.uniqueName("H").replace("-", "");
    Instant time = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    HostileCorpus corpus = new HostileCorpus(run + "x", time, ZONE, RANGER);
    Map<String, String> values =
        new HashMap<>(
            Map.of(
                "kafka.bootstrap-servers",
                infra.kafkaBootstrapServers(),
                "kafka.topic-prefix",
                prefix,
                "mqtt.url",
                infra.mqttUrl(),
                "gateway.client-id",
                Infrastructure.uniqueName("gw"),
                "gateway.unknown-devices",
                "accept",
                "gateway.alerts-out",
                "false",
                "http.port",
                "0",
                "db.url",
                db.url(),
                "db.user",
                db.user()));
    values.put("db.password", db.password());
    values.put("streams.state-dir", state.toString());
    values.put("streams.commit-interval", "100ms");
    values.put(
        "gateway.topics",
        "tugai/v1/collars/+/fixes,tugai/v1/cameras/+/detections,tugai/v1/cameras/+/megadetector,"
            + "tugai/v1/acks/+/+/+,v3/+/devices/+/up,application/+/device/+/event/up");
    try (Services services =
        Services.configure(Settings.of(values), Set.of("ingest", "streams", "gateway", "api"))) {
      services.start();
      MqttClient device =
          new MqttClient(
              infra.mqttUrl(), Infrastructure.uniqueName("field"), new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setMaximumPacketSize(16L * 1024 * 1024);
      device.connect(options);
      List<String> goodFixes = new ArrayList<>();
      try {
        int i = 0;
        for (HostileCorpus.DeviceCase c : corpus.devices()) {
          MqttPublishing.publish(device, c.topic(), c.payload());
          // A good fix after each: hostile input must not hold up what follows it.
          String good = run + "g" + (i % 5);
          Instant t = time.minusSeconds(i++);
          MqttPublishing.publish(
              device,
              MqttTopics.collarFixes(good),
              ("{\"collarId\":\""
                      + good
                      + "\",\"fixTime\":\""
                      + t
                      + "\",\"lat\":37.3,\"lon\":68.1}")
                  .getBytes(StandardCharsets.UTF_8));
          goodFixes.add(good + "@" + t);
        }
        // And afterwards one good message on every path.
        String cam = run + "cam";
        String md = run + "md";
        String ttn = run + "ttn";
        String cs = run + "cs";
        MqttPublishing.publish(
            device,
            MqttTopics.cameraDetections(cam),
            ("{\"cameraId\":\""
                    + cam
                    + "\",\"eventId\":\"e1\","
                    + "\"capturedAt\":\""
                    + time
                    + "\",\"media\":[\"IMG_1.JPG\"],\"detections\":[{\"class\":\"animal\",\"confidence\":0.9}]}")
                .getBytes(StandardCharsets.UTF_8));
        MqttPublishing.publish(
            device,
            MqttTopics.megaDetector(md),
            ("{\"info\":{\"detector\":\"md_v5a.0.0.pt\"},"
                    + "\"images\":[{\"file\":\"IMG_9.JPG\",\"datetime\":\""
                    + time
                    + "\",\"detections\":[{\"category\":\"1\",\"conf\":0.8}]}]}")
                .getBytes(StandardCharsets.UTF_8));
        MqttPublishing.publish(
            device,
            "v3/tugai-app@ttn/devices/" + ttn + "/up",
            ("{\"end_device_ids\":{\"device_id\":\""
                    + ttn
                    + "\"},"
                    + "\"received_at\":\""
                    + time
                    + "\",\"uplink_message\":{\"decoded_payload\":{\"latitude\":37.3,\"longitude\":68.1},"
                    + "\"rx_metadata\":[{\"gateway_ids\":{\"gateway_id\":\"gw-1\"},\"rssi\":-90}]}}")
                .getBytes(StandardCharsets.UTF_8));
        MqttPublishing.publish(
            device,
            "application/tugai-app/device/" + cs + "/event/up",
            ("{\"deviceInfo\":{\"devEui\":\""
                    + cs
                    + "\"},"
                    + "\"time\":\""
                    + time
                    + "\",\"object\":{\"latitude\":37.3,\"longitude\":68.1}}")
                .getBytes(StandardCharsets.UTF_8));
        MqttPublishing.publish(
            device,
            "tugai/v1/acks/" + ZONE + "/" + RANGER + "/" + run + "alert",
            "{\"note\":\"on our way\"}".getBytes(StandardCharsets.UTF_8));

        // Every device case is a stored dead letter with its reason, found by the id its topic
        // carries.
        Map<String, HostileCorpus.DeviceCase> byId = new HashMap<>();
        corpus.devices().forEach(c -> byId.put(c.id(), c));
        Map<String, List<String>> codes = new HashMap<>();
        List<String> oversized = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> {
                  codes.clear();
                  oversized.clear();
                  try (Connection c =
                          DriverManager.getConnection(db.url(), db.user(), db.password());
                      ResultSet rs =
                          c.createStatement()
                              .executeQuery(
                                  "SELECT source, reason_code, payload_truncated, length(payload), payload_size"
                                      + " FROM dead_letters WHERE component = 'gateway'")) {
                    while (rs.next()) {
                      String id = caseId(rs.getString(1), run + "x");
                      if (id != null) {
                        codes.computeIfAbsent(id, k -> new ArrayList<>()).add(rs.getString(2));
                        if (rs.getInt(5) > 256 * 1024
                            && !(rs.getBoolean(3) && rs.getInt(4) <= 256 * 1024)) {
                          oversized.add(id);
                        }
                      }
                    }
                  }
                  return codes.keySet().containsAll(byId.keySet());
                });
        List<String> wrong = new ArrayList<>();
        for (HostileCorpus.DeviceCase c : corpus.devices()) {
          if (!codes.get(c.id()).stream().allMatch(c.expect()::equals)) {
            wrong.add(c + ": expected " + c.expect() + ", stored " + codes.get(c.id()));
          }
        }
        assertThat(wrong).isEmpty();
        assertThat(oversized)
            .as("dead letters of oversized payloads keep at most 256 KB")
            .isEmpty();
        assertThat(corpus.devices())
            .filteredOn(c -> c.payload().length >= 8 * 1024 * 1024)
            .isNotEmpty();

        // Nothing hostile became data; every good message did.
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  try (Connection c =
                      DriverManager.getConnection(db.url(), db.user(), db.password())) {
                    assertThat(
                            count(
                                c,
                                "SELECT count(*) FROM fixes WHERE collar_id LIKE '" + run + "x%'"))
                        .isZero();
                    assertThat(
                            count(
                                c,
                                "SELECT count(*) FROM camera_events WHERE camera_id LIKE '"
                                    + run
                                    + "x%'"))
                        .isZero();
                    assertThat(
                            count(
                                c,
                                "SELECT count(*) FROM fixes WHERE collar_id LIKE '" + run + "g%'"))
                        .isEqualTo(goodFixes.size());
                    assertThat(
                            count(
                                c,
                                "SELECT count(*) FROM fixes WHERE collar_id IN ('"
                                    + ttn
                                    + "', '"
                                    + cs.toLowerCase()
                                    + "')"))
                        .isEqualTo(2);
                    assertThat(
                            count(
                                c,
                                "SELECT count(*) FROM camera_events WHERE camera_id IN ('"
                                    + cam
                                    + "', '"
                                    + md
                                    + "')"))
                        .isEqualTo(2);
                  }
                });
        assertThat(TopicContents.read(infra.kafkaBootstrapServers(), topics.alertAcks().name()))
            .extracting(r -> r.key())
            .containsExactly(run + "alert");

        // The HTTP cases, against the same running API.
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.url());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        ApiTokens tokens = new ApiTokens(ds);
        Map<String, String> bearer =
            Map.of(
                "admin",
                tokens.create("admin", Role.ADMIN, List.of(), null).token(),
                "scientist",
                tokens.create("scientist", Role.SCIENTIST, List.of(), null).token(),
                "ranger",
                tokens.create(RANGER, Role.RANGER, List.of(ZONE), null).token());
        int port = services.get(ApiService.class).port();
        HttpClient http = HttpClient.newHttpClient();
        List<String> httpWrong = new ArrayList<>();
        for (HostileCorpus.HttpCase h : corpus.http()) {
          HttpRequest.Builder b =
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + h.url()))
                  .method(
                      h.method(),
                      h.body() == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofString(h.body()));
          if (!h.token().equals("none")) {
            b.header("Authorization", "Bearer " + bearer.get(h.token()));
          }
          HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
          String type = r.headers().firstValue("Content-Type").orElse("");
          if (r.statusCode() != h.expect() || !type.startsWith("application/problem+json")) {
            httpWrong.add(h + ": " + r.statusCode() + " " + type + " " + r.body());
          }
        }
        assertThat(httpWrong).isEmpty();

        // No service thread died and nothing reports a problem.
        Set<String> threads = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .forEach(t -> threads.add(t.getName()));
        assertThat(threads)
            .contains("gateway-forward")
            .anyMatch(n -> n.startsWith("ingest-"))
            .contains("tugai-api-alert-feed");
        assertThat(services.get(GatewayService.class).problems()).isEmpty();
        assertThat(
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      } finally {
        device.disconnect();
      }
    }
  }

  /** The case id in a dead letter's source ({@code local:topic}), or null. */
  static String caseId(String source, String prefix) {
    int at = source.indexOf(prefix);
    if (at < 0) {
      return null;
    }
    int end = at + prefix.length();
    while (end < source.length() && Character.isDigit(source.charAt(end))) {
      end++;
    }
    return source.substring(at, end);
  }

  static long count(Connection c, String sql) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
