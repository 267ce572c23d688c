package org.tugai.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.api.layers.GeoJsonConformance;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.Severity;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * The API over real PostgreSQL and Kafka, with a store seeded as the sink leaves it: every route,
 * each role's view (401, 403, precise, coarsened, hidden), the formats scientists load, and the
 * OpenAPI description.
 */
@ExtendWith(TugaiInfrastructure.class)
class ApiIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
  static final Instant OLD = NOW.minus(400, ChronoUnit.DAYS);
  static ApiService api;
  static Infrastructure.Database db;
  static String admin;
  static String scientist;
  static String ranger;
  static String revoked;
  static String bootstrap;
  static Topics topics;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start(Infrastructure infra) throws Exception {
    db = infra.newDatabase();
    String prefix = Infrastructure.uniqueName("api") + ".";
    bootstrap = infra.kafkaBootstrapServers();
    topics = Topics.of(prefix, SchemaCatalog.released());
    api =
        new ApiService(
            ApiConfig.from(
                Settings.of(
                    Map.of(
                        "kafka.bootstrap-servers",
                        infra.kafkaBootstrapServers(),
                        "kafka.topic-prefix",
                        prefix,
                        "db.url",
                        db.url(),
                        "db.user",
                        db.user(),
                        "db.password",
                        db.password(),
                        "http.port",
                        "0",
                        "api.scientist-embargo",
                        "30d",
                        "api.coarse-grid-deg",
                        "0.1"))),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    api.start();
    ApiTokens tokens = new ApiTokens(TestDataSources.of(db));
    admin = tokens.create("admin", Role.ADMIN, List.of(), null).token();
    scientist = tokens.create("scientist", Role.SCIENTIST, List.of(), null).token();
    ranger = tokens.create("ranger", Role.RANGER, List.of("pa-a"), null).token();
    ApiTokens.Issued gone = tokens.create("former ranger", Role.RANGER, List.of("pa-a"), null);
    tokens.revoke(gone.tokenId());
    revoked = gone.token();
    seed(db);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /**
   * deer-1: 200 old fixes (a year ago), 100 recent ones in zone pa-a, a failed fix and an outlier;
   * deer-2 in pa-b.
   */
  static void seed(Infrastructure.Database db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      exec(
          c,
          "INSERT INTO deployments (deployment_id, device_id, device_type, animal_id, species, sex, population, deploy_on) VALUES"
              + " ('d1', 'C1', 'collar', 'deer-1', 'Cervus elaphus bactrianus', 'f', 'Tj1', '"
              + OLD.minus(1, ChronoUnit.DAYS)
              + "'),"
              + " ('d2', 'C2', 'collar', 'deer-2', 'Cervus elaphus bactrianus', 'm', 'Uz2', '"
              + OLD
              + "')");
      exec(
          c,
          "INSERT INTO deployments (deployment_id, device_id, device_type, site_id, lat, lon, deploy_on) VALUES"
              + " ('cam-d1', 'CT-1', 'camera', 'site-1', 37.31, 68.12, '"
              + OLD
              + "')");
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO fixes (collar_id, fix_time, lat, lon, hdop, satellites, fix_type,"
                  + " battery_v, received_at, source, animal_id, country, zones, quality_flags) VALUES (?, ?, ?, ?, 1.1, 8, ?, 3.7, now(), 't', ?, 'TJK', ?, ?)")) {
        for (int i = 0; i < 200; i++) {
          fix(
              c,
              ps,
              "C1",
              "deer-1",
              OLD.plus(15L * i, ChronoUnit.MINUTES),
              37.123456 + i * 1e-4,
              68.654321,
              "3D",
              "pa-a",
              List.of());
        }
        for (int i = 0; i < 100; i++) {
          fix(
              c,
              ps,
              "C1",
              "deer-1",
              NOW.minus(2, ChronoUnit.DAYS).plus(15L * i, ChronoUnit.MINUTES),
              37.2345 + i * 1e-4,
              68.7654,
              "3D",
              "pa-a",
              List.of());
        }
        fix(
            c,
            ps,
            "C1",
            "deer-1",
            NOW.minus(3, ChronoUnit.DAYS),
            null,
            null,
            "none",
            "pa-a",
            List.of("failed-fix"));
        fix(
            c,
            ps,
            "C1",
            "deer-1",
            NOW.minus(3, ChronoUnit.DAYS).plusSeconds(60),
            40.0,
            70.0,
            "3D",
            "pa-a",
            List.of("outlier"));
        fix(
            c,
            ps,
            "C2",
            "deer-2",
            NOW.minus(1, ChronoUnit.HOURS),
            38.5,
            66.5,
            "3D",
            "pa-b",
            List.of());
        ps.executeBatch();
      }
      // An Argos Doppler position of the same collar: its class and error ellipse go out under
      // Movebank's Argos names.
      exec(
          c,
          "INSERT INTO fixes (collar_id, fix_time, lat, lon, fix_type, received_at, source, animal_id, country, zones, quality_flags,"
              + " location_class, error_radius_m, error_semi_major_m, error_semi_minor_m, error_ellipse_orientation_deg) VALUES ('C1', '"
              + NOW.minus(3, ChronoUnit.DAYS).plusSeconds(120)
              + "', 37.3, 68.7, 'unknown', now(), 'import-telonics:x.csv', 'deer-1', 'TJK',"
              + " '{pa-a}', '{}', '2', 420, 980, 170, 35)");
      exec(
          c,
          "INSERT INTO crossings (crossing_id, animal_id, collar_id, from_country, to_country, crossed_at, before_fix_time, before_lat,"
              + " before_lon, after_fix_time, after_lat, after_lon, crossing_lat, crossing_lon, hotspot, population, status, revision, detected_at) VALUES"
              + " ('x1', 'deer-1', 'C1', 'TJK', 'AFG', '"
              + OLD
              + "', '"
              + OLD
              + "', 37.2, 68.1, '"
              + OLD
              + "', 37.1, 68.1, 37.15, 68.1, 'panj-1', 'Tj1', 'confirmed', 0, now()),"
              + " ('x2', 'deer-1', 'C1', 'AFG', 'TJK', '"
              + NOW.minus(1, ChronoUnit.DAYS)
              + "', now(), 37.1234, 68.1, now(), 37.2, 68.1, 37.15678, 68.12345, 'panj-1', 'Tj1', 'confirmed', 1, now()),"
              + " ('x3', 'deer-2', 'C2', 'UZB', 'TKM', '"
              + NOW.minus(1, ChronoUnit.DAYS)
              + "', now(), 39.1, 63.1, now(), 39.0, 63.0, 39.05, 63.05, null, 'Uz2', 'retracted', 2, now())");
      exec(
          c,
          "INSERT INTO camera_events (camera_id, event_id, captured_at, media, model, detection_count, received_at, source) VALUES"
              + " ('CT-1', 'e1', '"
              + NOW.minus(5, ChronoUnit.DAYS)
              + "', '{IMG_1.JPG,IMG_2.JPG}', 'MDv5a', 2, now(), 't'),"
              + " ('CT-1', 'e2', '"
              + NOW.minus(4, ChronoUnit.DAYS)
              + "', '{IMG_3.JPG}', 'MDv5a', 0, now(), 't'),"
              + " ('CT-9', 'e1', '"
              + NOW.minus(4, ChronoUnit.DAYS)
              + "', '{IMG_9.JPG}', 'MDv5a', 1, now(), 't')");
      exec(
          c,
          "INSERT INTO detections (camera_id, event_id, detection_index, captured_at, category, species, confidence, count, bbox_x,"
              + " bbox_y, bbox_w, bbox_h) VALUES"
              + " ('CT-1', 'e1', 0, '"
              + NOW.minus(5, ChronoUnit.DAYS)
              + "', 'person', null, 0.93, null, 0.4, 0.38, 0.17, 0.24),"
              + " ('CT-1', 'e1', 1, '"
              + NOW.minus(5, ChronoUnit.DAYS)
              + "', 'animal', 'Cervus elaphus bactrianus', 0.88, 2, null, null, null, null),"
              + " ('CT-9', 'e1', 0, '"
              + NOW.minus(4, ChronoUnit.DAYS)
              + "', 'animal', 'Canis familiaris', 0.7, 1, null, null, null, null)");
      exec(
          c,
          "INSERT INTO alerts (alert_id, type, severity, status, title, first_seen, last_seen, lat, lon, zones, channels, animal_id,"
              + " updated_at) VALUES"
              + " ('A1', 'intrusion', 'high', 'open', 'person at CT-1', now(), now(), 37.31, 68.12, '{pa-a}', '{pa-a}', null, now()),"
              + " ('A2', 'mortality', 'critical', 'open', 'deer-2 not moving', now(), now(), 38.5, 66.5, '{pa-b}', '{pa-b}', 'deer-2', now()),"
              + " ('A3', 'silence', 'warning', 'resolved', 'C1 silent', now(), now(), null, null, '{pa-a}', '{pa-a}', 'deer-1', now())");
    }
  }

  static void fix(
      Connection c,
      PreparedStatement ps,
      String collar,
      String animal,
      Instant t,
      Double lat,
      Double lon,
      String type,
      String zone,
      List<String> flags)
      throws Exception {
    ps.setString(1, collar);
    ps.setTimestamp(2, Timestamp.from(t));
    ps.setObject(3, lat);
    ps.setObject(4, lon);
    ps.setString(5, type);
    ps.setString(6, animal);
    ps.setArray(7, c.createArrayOf("text", new String[] {zone}));
    ps.setArray(8, c.createArrayOf("text", flags.toArray()));
    ps.addBatch();
  }

  static void exec(Connection c, String sql) throws Exception {
    c.createStatement().execute(sql);
  }

  static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String token, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(String path, String token) throws Exception {
    HttpResponse<String> r = get(path, token);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void withoutAValidTokenEveryDataRouteIs401AndPublicRoutesAnswer() throws Exception {
    for (ApiService.Route r : ApiService.ROUTES) {
      String path = r.path().replace("{id}", "deer-1").replace("{name}", "countries");
      if (r.roles().isEmpty()) {
        assertThat(get(path, null).statusCode()).as(path).isIn(200, 503);
        continue;
      }
      for (String token : new String[] {null, "tg_nope_nope", revoked, "Basic abc"}) {
        HttpResponse<String> res =
            r.method() == HandlerType.POST ? postRaw(path, token) : get(path, token);
        assertThat(res.statusCode()).as(r.method() + " " + path + " with " + token).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate")).isPresent();
      }
    }
    JsonNode health = json("/health", null);
    assertThat(health.path("database").asText()).isEqualTo("UP");
    assertThat(health.path("kafka").asText()).isEqualTo("UP");
  }

  private static HttpResponse<String> postRaw(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString("{\"by\": \"x\"}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theDashboardsRoutesAnswerByRole() throws Exception {
    JsonNode me = json("/api/v1/me", ranger);
    assertThat(me.path("role").asText()).isEqualTo("ranger");
    assertThat(me.path("zones").toString()).isEqualTo("[\"pa-a\"]");
    JsonNode layers = json("/api/v1/layers", ranger);
    assertThat(layers.path("countries").asInt()).isGreaterThan(3);
    assertThat(layers.path("protected-area").asInt()).isPositive();
    assertThat(layers.path("population-unit").asInt()).isPositive();
    JsonNode reserves = json("/api/v1/layers/protected-area", scientist);
    assertThat(reserves.path("type").asText()).isEqualTo("FeatureCollection");
    assertThat(reserves.path("features").size()).isEqualTo(layers.path("protected-area").asInt());
    assertThat(reserves.path("features"))
        .allSatisfy(
            f ->
                assertThat(f.path("properties").path("type").asText()).isEqualTo("protected-area"));
    assertThat(get("/api/v1/layers/nope", admin).statusCode()).isEqualTo(404);
    JsonNode cameras = json("/api/v1/cameras", ranger);
    assertThat(cameras.size()).isEqualTo(1);
    assertThat(cameras.get(0).path("cameraId").asText()).isEqualTo("CT-1");
    assertThat(cameras.get(0).path("events").asInt()).isEqualTo(2);
    assertThat(cameras.get(0).path("lastEvent").asText())
        .isEqualTo(NOW.minus(4, ChronoUnit.DAYS).toString());
    // An open mortality alert about an animal makes its status "mortality"; a resolved silence
    // alert counts no more.
    JsonNode animals = json("/api/v1/animals", admin);
    assertThat(animals.findValues("status").stream().map(JsonNode::asText).toList())
        .containsExactly("active", "mortality");
    assertThat(get("/api/v1/alerts/stream", scientist).statusCode()).isEqualTo(403);
    // The dashboard itself and Leaflet from its WebJar are public static files.
    HttpResponse<String> page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/webjars/leaflet/1.9.4/dist/leaflet.js");
    assertThat(get("/webjars/leaflet/1.9.4/dist/leaflet.js", null).statusCode()).isEqualTo(200);
    assertThat(get("/dashboard.js", null).body()).contains("/api/v1/alerts/stream");
  }

  @Test
  void theLiveFeedPushesEachAlertOnlyToTokensThatMaySeeIt() throws Exception {
    BlockingQueue<String> rangerSees = new LinkedBlockingQueue<>();
    BlockingQueue<String> adminSees = new LinkedBlockingQueue<>();
    for (var entry : Map.of(ranger, rangerSees, admin, adminSees).entrySet()) {
      HttpResponse<Stream<String>> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + api.port() + "/api/v1/alerts/stream"))
                  .header("Authorization", "Bearer " + entry.getKey())
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      Thread reader =
          new Thread(
              () -> r.body().filter(l -> l.startsWith("data:")).forEach(entry.getValue()::add));
      reader.setDaemon(true);
      reader.start();
    }
    // The feed starts at the end of the topic once it exists: publish until the first alert is
    // seen.
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                send(producer, alert("F0", "pa-a"));
                return !adminSees.isEmpty();
              });
      send(producer, alert("F1", "pa-b"));
      send(producer, alert("F2", "pa-a"));
      // Earlier F0s may still be arriving: keep only the two alerts of interest (from any
      // partition, in any order).
      List<String> admins = seen(adminSees, 2);
      String f1 =
          admins.stream().filter(l -> l.contains("\"alertId\":\"F1\"")).findFirst().orElseThrow();
      assertThat(f1)
          .contains("\"status\":\"open\"")
          .contains("\"severity\":\"critical\"")
          .contains("\"zones\":[\"pa-b\"]");
      assertThat(admins).anyMatch(l -> l.contains("\"alertId\":\"F2\""));
      // The same feed filtered both for the ranger of pa-a: F2 came, F1 never does.
      List<String> rangers = seen(rangerSees, 1);
      assertThat(rangers.get(0)).contains("\"alertId\":\"F2\"");
      assertThat(rangerSees).noneMatch(l -> l.contains("\"alertId\":\"F1\""));
    }
  }

  /** The first {@code n} lines about an alert other than F0, waiting up to 30 s for each. */
  static List<String> seen(BlockingQueue<String> lines, int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      String line = lines.poll(30, TimeUnit.SECONDS);
      assertThat(line).as("an alert within 30 s").isNotNull();
      if (!line.contains("\"alertId\":\"F0\"")) {
        out.add(line);
      }
    }
    return out;
  }

  static Alert alert(String id, String zone) {
    return Alert.newBuilder()
        .setAlertId(id)
        .setType(AlertType.INTRUSION)
        .setSeverity(Severity.CRITICAL)
        .setStatus(AlertStatus.OPEN)
        .setTitle("person at " + zone)
        .setFirstSeen(NOW)
        .setLastSeen(NOW)
        .setLat(37.3)
        .setLon(68.3)
        .setZones(List.of(zone))
        .setChannels(List.of(zone))
        .setUpdatedAt(Instant.now())
        .build();
  }

  static void send(KafkaProducer<String, byte[]> producer, Alert a) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topics.alerts().name(),
                a.getAlertId(),
                topics.alerts().valueSerde().serializer().serialize(topics.alerts().name(), a)))
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void tokensAreStoredOnlyAsTheirSha256() throws Exception {
    byte[] sha256 =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(admin.getBytes(StandardCharsets.UTF_8));
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps =
            c.prepareStatement("SELECT api_tokens::text FROM api_tokens WHERE token_hash = ?")) {
      ps.setBytes(1, sha256);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row keyed by the token's SHA-256").isTrue();
        // Nothing in the row gives the token back: its last 20 characters lie inside the 256-bit
        // secret.
        assertThat(rs.getString(1)).doesNotContain(admin.substring(admin.length() - 20));
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void aWrongRoleIs403() throws Exception {
    assertThat(get("/api/v1/animals/deer-1/track", ranger).statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/crossings", ranger).statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/detections", ranger).statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/export/camtrap-dp", ranger).statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/alerts", scientist).statusCode()).isEqualTo(403);
    assertThat(post("/api/v1/alerts/A1/ack", scientist, "{}").statusCode()).isEqualTo(403);
  }

  @Test
  void animalsShowTheLastGoodFixAsPreciseAsTheRoleAllows() throws Exception {
    JsonNode asAdmin = json("/api/v1/animals", admin);
    assertThat(asAdmin).hasSize(2);
    JsonNode deer1 = asAdmin.get(0);
    assertThat(deer1.path("animalId").asText()).isEqualTo("deer-1");
    assertThat(deer1.path("deployments").get(0).path("collarId").asText()).isEqualTo("C1");
    // The last good fix, not the later-in-table outlier or failed fix.
    assertThat(deer1.path("lastFix").path("lat").asDouble())
        .isEqualTo(37.2345 + 99 * 1e-4, Offset.offset(1e-9));
    assertThat(deer1.path("lastFix").path("precision").asText()).isEqualTo("precise");

    JsonNode asScientist = json("/api/v1/animals", scientist).get(0);
    assertThat(asScientist.path("lastFix").path("lat").asDouble())
        .isEqualTo(37.25, Offset.offset(1e-9));
    assertThat(asScientist.path("lastFix").path("precision").asText()).isEqualTo("coarsened");

    JsonNode asRanger = json("/api/v1/animals", ranger);
    assertThat(asRanger.get(0).path("lastFix").path("precision").asText()).isEqualTo("precise");
    assertThat(asRanger.get(1).path("lastFix").path("precision").asText()).isEqualTo("hidden");
    assertThat(asRanger.get(1).path("lastFix").path("lat").isNull()).isTrue();
  }

  @Test
  void aTrackIsGeoJsonWithQualityFlagsAndALineOfGoodFixes() throws Exception {
    String path =
        "/api/v1/animals/deer-1/track?from="
            + OLD.minus(1, ChronoUnit.DAYS)
            + "&to="
            + NOW.plus(1, ChronoUnit.DAYS);
    JsonNode fc = json(path, admin);
    List<JsonNode> features = new ArrayList<>();
    fc.path("features").forEach(features::add);
    assertThat(features).hasSize(304);
    assertThat(GeoJsonConformance.problems(fc, 7)).isEmpty();
    assertThat(fc.path("metadata").path("animalId").asText()).isEqualTo("deer-1");
    JsonNode line = features.get(303);
    assertThat(line.path("geometry").path("type").asText()).isEqualTo("LineString");
    assertThat(line.path("geometry").path("coordinates")).hasSize(301);
    JsonNode failed =
        features.stream()
            .filter(f -> f.path("properties").path("fixType").asText().equals("none"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.path("geometry").isNull()).isTrue();
    assertThat(failed.path("properties").path("qualityFlags").get(0).asText())
        .isEqualTo("failed-fix");
    assertThat(features)
        .filteredOn(f -> f.path("properties").path("locationClass").asText().equals("2"))
        .singleElement()
        .satisfies(
            f -> assertThat(f.path("properties").path("errorRadiusM").asInt()).isEqualTo(420));
    JsonNode outlier =
        features.stream()
            .filter(f -> f.path("properties").path("qualityFlags").toString().contains("outlier"))
            .findFirst()
            .orElseThrow();
    assertThat(outlier.path("properties").path("good").asBoolean()).isFalse();
    assertThat(features.get(0).path("geometry").path("coordinates").get(1).asDouble())
        .isEqualTo(37.123456);

    // A scientist: old fixes precise, those inside the 30-day embargo snapped to the 0.1° grid.
    List<JsonNode> sci = new ArrayList<>();
    json(path, scientist).path("features").forEach(sci::add);
    assertThat(sci.get(0).path("geometry").path("coordinates").get(1).asDouble())
        .isEqualTo(37.123456);
    assertThat(sci.get(0).path("properties").path("coarsened").asBoolean()).isFalse();
    JsonNode recent = sci.get(250);
    assertThat(recent.path("properties").path("coarsened").asBoolean()).isTrue();
    assertThat(recent.path("geometry").path("coordinates").get(0).asDouble())
        .isEqualTo(68.75, Offset.offset(1e-9));

    assertThat(get("/api/v1/animals/nobody/track", admin).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/animals/deer-1/track?from=yesterday", admin).statusCode())
        .isEqualTo(400);
    assertThat(get("/api/v1/animals/deer-1/track?format=kml", admin).statusCode()).isEqualTo(400);
  }

  @Test
  void aTrackIsMovebankCsv() throws Exception {
    HttpResponse<String> r =
        get(
            "/api/v1/animals/deer-1/track?format=movebank-csv&from="
                + OLD.minus(1, ChronoUnit.DAYS)
                + "&to="
                + NOW.plus(1, ChronoUnit.DAYS),
            admin);
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> lines = r.body().lines().toList();
    assertThat(lines).hasSize(304);
    List<String> header = List.of(lines.get(0).split(","));
    assertThat(header)
        .contains(
            "event-id",
            "timestamp",
            "location-long",
            "location-lat",
            "individual-local-identifier",
            "tag-local-identifier",
            "gps:hdop",
            "gps:satellite-count",
            "visible");
    String[] first = lines.get(1).split(",", -1);
    assertThat(first[header.indexOf("timestamp")])
        .matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
    assertThat(first[header.indexOf("timestamp")])
        .isEqualTo(
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(ZoneOffset.UTC)
                .format(OLD));
    assertThat(first[header.indexOf("location-lat")]).isEqualTo("37.123456");
    assertThat(first[header.indexOf("individual-local-identifier")]).isEqualTo("deer-1");
    assertThat(first[header.indexOf("tag-local-identifier")]).isEqualTo("C1");
    assertThat(first[header.indexOf("individual-taxon-canonical-name")])
        .isEqualTo("Cervus elaphus bactrianus");
    String failed =
        lines.stream().skip(1).filter(l -> l.contains("failed-fix")).findFirst().orElseThrow();
    assertThat(failed.split(",", -1)[header.indexOf("location-lat")]).isEmpty();
    String outlier =
        lines.stream().skip(1).filter(l -> l.contains("outlier")).findFirst().orElseThrow();
    assertThat(outlier.split(",", -1)[header.indexOf("visible")]).isEqualTo("false");
    assertThat(lines.stream().skip(1).map(l -> l.split(",")[0]).distinct().count())
        .as("event ids unique")
        .isEqualTo(303);
    String[] argos =
        lines.stream()
            .skip(1)
            .map(l -> l.split(",", -1))
            .filter(cells -> cells[header.indexOf("argos:lc")].equals("2"))
            .findFirst()
            .orElseThrow();
    assertThat(argos[header.indexOf("sensor-type")]).isEqualTo("argos-doppler-shift");
    assertThat(argos[header.indexOf("argos:error-radius")]).isEqualTo("420.0");
    assertThat(argos[header.indexOf("argos:semi-major")]).isEqualTo("980.0");
    assertThat(argos[header.indexOf("argos:semi-minor")]).isEqualTo("170.0");
    assertThat(argos[header.indexOf("argos:orientation")]).isEqualTo("35.0");
    assertThat(first[header.indexOf("sensor-type")]).isEqualTo("gps");
  }

  @Test
  void crossingsFilterByCountryPopulationHotspotAndStatus() throws Exception {
    assertThat(ids(json("/api/v1/crossings", admin), "crossingId")).containsExactly("x1", "x2");
    assertThat(ids(json("/api/v1/crossings?status=all", admin), "crossingId"))
        .containsExactly("x1", "x2", "x3");
    assertThat(
            ids(
                json("/api/v1/crossings?country=afg&from=" + NOW.minus(2, ChronoUnit.DAYS), admin),
                "crossingId"))
        .containsExactly("x2");
    assertThat(ids(json("/api/v1/crossings?population=Uz2&status=all", admin), "crossingId"))
        .containsExactly("x3");
    assertThat(ids(json("/api/v1/crossings?hotspot=panj-2", admin), "crossingId")).isEmpty();
    JsonNode recent =
        json("/api/v1/crossings?from=" + NOW.minus(2, ChronoUnit.DAYS), scientist).get(0);
    assertThat(recent.path("crossingLat").asDouble()).isEqualTo(37.15, Offset.offset(1e-9));
    assertThat(recent.path("precise").asBoolean()).isFalse();
    assertThat(
            json("/api/v1/crossings?from=" + NOW.minus(2, ChronoUnit.DAYS), admin)
                .get(0)
                .path("crossingLat")
                .asDouble())
        .isEqualTo(37.15678);
    assertThat(get("/api/v1/crossings?limit=0", admin).statusCode()).isEqualTo(400);
  }

  @Test
  void detectionsFilterByCameraClassSpeciesAndTime() throws Exception {
    assertThat(json("/api/v1/detections", scientist)).hasSize(3);
    assertThat(json("/api/v1/detections?camera=CT-1", scientist)).hasSize(2);
    JsonNode person = json("/api/v1/detections?class=person", scientist);
    assertThat(person).hasSize(1);
    assertThat(person.get(0).path("media")).hasSize(2);
    assertThat(
            json("/api/v1/detections?species=Canis%20familiaris", scientist)
                .get(0)
                .path("cameraId")
                .asText())
        .isEqualTo("CT-9");
    assertThat(
            json(
                "/api/v1/detections?from=" + NOW.minus(4, ChronoUnit.DAYS).minusSeconds(1),
                scientist))
        .hasSize(1);
    assertThat(get("/api/v1/detections?class=alien", scientist).statusCode()).isEqualTo(400);
  }

  @Test
  void alertsAreFilteredAndARangerSeesOwnZonesOnly() throws Exception {
    assertThat(ids(json("/api/v1/alerts", admin), "alertId"))
        .containsExactlyInAnyOrder("A1", "A2", "A3");
    assertThat(ids(json("/api/v1/alerts?status=open", admin), "alertId"))
        .containsExactlyInAnyOrder("A1", "A2");
    assertThat(ids(json("/api/v1/alerts?type=MORTALITY", admin), "alertId")).containsExactly("A2");
    assertThat(ids(json("/api/v1/alerts?zone=pa-b", admin), "alertId")).containsExactly("A2");
    assertThat(ids(json("/api/v1/alerts", ranger), "alertId"))
        .containsExactlyInAnyOrder("A1", "A3");
    assertThat(ids(json("/api/v1/alerts?zone=pa-b", ranger), "alertId")).isEmpty();
  }

  @Test
  void aRangerAcknowledgesOwnAlertsOnly() throws Exception {
    assertThat(post("/api/v1/alerts/A1/ack", ranger, "{\"by\": \"ranger\"}").statusCode())
        .isEqualTo(202);
    assertThat(post("/api/v1/alerts/A2/ack", ranger, "{}").statusCode()).isEqualTo(403);
    assertThat(post("/api/v1/alerts/nope/ack", ranger, "{}").statusCode()).isEqualTo(404);
    assertThat(post("/api/v1/alerts/A2/ack", admin, "{\"note\": \"duty officer\"}").statusCode())
        .isEqualTo(202);
  }

  @Test
  void theOpenApiDescriptionCoversEveryRouteWithItsRoles() throws Exception {
    JsonNode doc = json("/api/v1/openapi.json", null);
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    List<String> described = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(m -> described.add(m.toUpperCase() + " " + path.getKey()));
    }
    List<String> served =
        ApiService.ROUTES.stream().map(r -> r.method().name() + " " + r.path()).toList();
    assertThat(described).containsExactlyInAnyOrderElementsOf(served);
    for (ApiService.Route r : ApiService.ROUTES) {
      JsonNode op = doc.path("paths").path(r.path()).path(r.method().name().toLowerCase());
      List<String> roles = new ArrayList<>();
      op.path("x-roles").forEach(n -> roles.add(n.asText()));
      assertThat(roles)
          .as(r.path())
          .containsExactlyInAnyOrderElementsOf(r.roles().stream().map(Role::word).toList());
    }
  }

  @Test
  void camtrapDpExportIsAValidPackage() throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + api.port()
                            + "/api/v1/export/camtrap-dp?from="
                            + NOW.minus(10, ChronoUnit.DAYS)
                            + "&to="
                            + NOW))
                .header("Authorization", "Bearer " + scientist)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
    Map<String, String> files = new TreeMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        files.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(files)
        .containsOnlyKeys("datapackage.json", "deployments.csv", "media.csv", "observations.csv");
    List<String> problems =
        CamtrapDpSchema.validate(JSON.readTree(files.get("datapackage.json")), files);
    assertThat(problems).isEmpty();
    // And against the TDWG's published profile and table schemas, with a JSON Schema validator.
    Assumptions.assumeTrue(
        OfficialCamtrapDp.available(), "../shared/data/camtrap-dp-1.0.2 is not here");
    assertThat(OfficialCamtrapDp.validate(JSON.readTree(files.get("datapackage.json")), files))
        .isEmpty();

    List<Map<String, String>> observations = CamtrapDpSchema.rows(files.get("observations.csv"));
    // CT-1 is deployed: e1 gives a human (with its box, again at media level) and two deer, e2
    // (nothing detected) a blank; CT-9 has no deployment.
    assertThat(observations)
        .extracting(o -> o.get("observationType"))
        .containsExactly("human", "human", "animal", "blank");
    Map<String, String> boxed = observations.get(1);
    assertThat(boxed.get("observationLevel")).isEqualTo("media");
    assertThat(boxed.get("mediaID")).isEqualTo("CT-1/e1/0");
    assertThat(boxed.get("bboxX")).isEqualTo("0.4");
    assertThat(boxed.get("bboxHeight")).isEqualTo("0.24");
    observations = List.of(observations.get(0), observations.get(2), observations.get(3));
    JsonNode pkg = JSON.readTree(files.get("datapackage.json"));
    assertThat(pkg.path("licenses").findValuesAsText("scope")).containsExactly("data", "media");
    // Coverage from the data: the deployment's own start, not the export's from.
    assertThat(pkg.path("temporal").path("start").asText())
        .isEqualTo(LocalDate.ofInstant(OLD, ZoneOffset.UTC).toString());
    assertThat(CamtrapDpSchema.rows(files.get("deployments.csv")).get(0).get("deploymentComments"))
        .contains("still running");
    assertThat(observations.get(1).get("scientificName")).isEqualTo("Cervus elaphus bactrianus");
    assertThat(observations.get(1).get("count")).isEqualTo("2");
    assertThat(observations.get(1).get("classificationProbability")).isEqualTo("0.88");
    assertThat(CamtrapDpSchema.rows(files.get("media.csv"))).hasSize(3);
    assertThat(CamtrapDpSchema.rows(files.get("deployments.csv")))
        .extracting(d -> d.get("deploymentID"))
        .containsExactly("cam-d1");
  }

  static List<String> ids(JsonNode array, String field) {
    List<String> ids = new ArrayList<>();
    array.forEach(n -> ids.add(n.path(field).asText()));
    return ids;
  }
}
