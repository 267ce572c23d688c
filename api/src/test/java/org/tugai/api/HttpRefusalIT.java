package org.tugai.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.ThreadMXBean;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;

/**
 * The API against a hostile caller: bodies bounded while they are read, strict JSON, every query
 * parameter checked with a 400 that names it, HEAD through the same checks as GET, errors as RFC
 * 9457 problem documents without internals, no caching of data, live streams that end when their
 * token does, and tokens that can always be revoked.
 */
@ExtendWith(TugaiInfrastructure.class)
class HttpRefusalIT {

  static ApiService api;
  static Infrastructure.Database db;
  static ApiTokens tokens;
  static String admin;
  static String scientist;
  static String ranger;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Instant NOW = ApiIT.NOW;

  @BeforeAll
  static void start(Infrastructure infra) throws Exception {
    db = infra.newDatabase();
    String prefix = Infrastructure.uniqueName("refuse") + ".";
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
    tokens = new ApiTokens(TestDataSources.of(db));
    admin = tokens.create("admin", Role.ADMIN, List.of(), null).token();
    scientist = tokens.create("scientist", Role.SCIENTIST, List.of(), null).token();
    ranger = tokens.create("ranger", Role.RANGER, List.of("pa-a"), null).token();
    ApiIT.seed(db);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }

  static HttpResponse<String> send(
      String method, String path, String token, HttpRequest.BodyPublisher body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, body);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path, String token) throws Exception {
    return send("GET", path, token, HttpRequest.BodyPublishers.noBody());
  }

  static JsonNode problem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .as(r.uri().toString())
        .startsWith("application/problem+json");
    JsonNode p = ApiIT.JSON.readTree(r.body());
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(r.body())
        .doesNotContain("Exception")
        .doesNotContain("at org.")
        .doesNotContain("SQL");
    return p;
  }

  @Test
  void aChunkedBodyPastTheLimitIsRefusedWhileItIsRead() throws Exception {
    // A raw client keeps sending 100 MB in chunks. Jetty discards what follows a refused body (into
    // its pooled buffers) before it answers; what matters is that the API never holds it: the
    // server's threads together allocate a small fraction of it, where reading the body whole
    // allocates it at least twice over.
    long allocatedBefore = jettyAllocatedBytes();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/alerts/A1/ack HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + admin
                  + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      AtomicLong sent = new AtomicLong();
      AtomicBoolean answered = new AtomicBoolean();
      Thread sender =
          new Thread(
              () -> {
                byte[] chunk =
                    ("10000\r\n" + " ".repeat(0x10000) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                try {
                  while (!answered.get() && sent.get() < 100L * 1024 * 1024) {
                    out.write(chunk);
                    sent.addAndGet(0x10000);
                  }
                } catch (IOException closedByServer) {
                  // Refused: the server closed the connection.
                }
              },
              "chunked-sender");
      sender.setDaemon(true);
      sender.start();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String statusLine = in.readLine();
      answered.set(true);
      assertThat(statusLine).startsWith("HTTP/1.1 413");
      String line;
      boolean problemJson = false;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        problemJson |=
            line.toLowerCase(Locale.ROOT).startsWith("content-type: application/problem+json");
      }
      assertThat(problemJson).isTrue();
    }
    assertThat(jettyAllocatedBytes() - allocatedBefore)
        .as("bytes the server's threads allocated for a 100 MB body")
        .isLessThan(32L * 1024 * 1024);
    // A declared length past the limit is refused before the body is read.
    problem(
        send(
            "POST",
            "/api/v1/alerts/A1/ack",
            admin,
            HttpRequest.BodyPublishers.ofString("{\"note\":\"" + "n".repeat(40_000) + "\"}")),
        413);
  }

  @Test
  void jsonBodiesAreStrict() throws Exception {
    for (String body :
        List.of(
            "{\"by\":\"admin\"} garbage",
            "{\"note\":\"a\"}{\"note\":\"b\"}",
            "{\"note\":\"a\",\"note\":\"b\"}",
            "{\"note\":\"a\",}",
            "{\"comment\":\"x\"}",
            "[]",
            "",
            "{\"note\":\"nul \\u0000 here\"}",
            "{\"note\": 5}")) {
      JsonNode p =
          problem(
              send(
                  "POST",
                  "/api/v1/alerts/A1/ack",
                  admin,
                  HttpRequest.BodyPublishers.ofString(body)),
              400);
      assertThat(p.path("detail").asText()).as(body).isNotBlank();
    }
    assertThat(
            send(
                    "POST",
                    "/api/v1/alerts/A1/ack",
                    admin,
                    HttpRequest.BodyPublishers.ofString("{\"note\":\"on our way\"}"))
                .statusCode())
        .isEqualTo(202);
  }

  /** Heap bytes allocated so far by the API's request threads (it runs in this JVM). */
  static long jettyAllocatedBytes() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("JettyServerThreadPool")) {
        total += Math.max(0, threads.getThreadAllocatedBytes(t.getId()));
      }
    }
    return total;
  }

  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void everyQueryParameterIsCheckedAndTheAnswerNamesIt() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("/api/v1/crossings?status=anything", "status");
    bad.put("/api/v1/crossings?country=" + q("TJK\u0000"), "country");
    bad.put("/api/v1/crossings?country=Tajikistan", "country");
    bad.put("/api/v1/crossings?population=" + q("a\u0000"), "population");
    bad.put("/api/v1/crossings?hotspot=" + q("x\u001b[2J"), "hotspot");
    bad.put("/api/v1/crossings?from=" + q("+1000000000-01-01T00:00:00Z"), "from");
    bad.put("/api/v1/crossings?to=" + q("-1000000000-01-01T00:00:00Z"), "to");
    bad.put("/api/v1/crossings?from=yesterday", "from");
    bad.put("/api/v1/crossings?limit=lots", "limit");
    bad.put("/api/v1/crossings?limit=0", "limit");
    bad.put("/api/v1/crossings?colour=red", "colour");
    bad.put("/api/v1/crossings?status=all&status=confirmed", "status");
    bad.put("/api/v1/detections?species=" + q("Cervus\u0000"), "species");
    bad.put("/api/v1/detections?camera=" + q("CT-1\u0000"), "camera");
    bad.put("/api/v1/detections?class=bear", "class");
    bad.put("/api/v1/detections?from=" + q("9999999-01-01T00:00:00Z"), "from");
    bad.put("/api/v1/alerts?status=closed", "status");
    bad.put("/api/v1/alerts?type=bogus", "type");
    bad.put("/api/v1/alerts?zone=" + q("pa-a\u0000"), "zone");
    bad.put("/api/v1/alerts?zone=" + "z".repeat(300), "zone");
    bad.put("/api/v1/animals/" + q("deer-1\u0000") + "/track", "path");
    bad.put("/api/v1/animals/" + q("deer-1\u0007") + "/track", "path");
    bad.put("/api/v1/animals/deer-1/track?format=xml", "format");
    bad.put("/api/v1/animals/deer-1/track?from=2026-02-30", "from");
    bad.put("/api/v1/export/camtrap-dp?from=" + q("+99999-01-01T00:00:00Z"), "from");
    bad.put("/api/v1/animals?since=yesterday", "since");
    bad.put("/api/v1/me?x=1", "x");
    for (Map.Entry<String, String> b : bad.entrySet()) {
      JsonNode p = problem(get(b.getKey(), admin), 400);
      assertThat(p.path("detail").asText()).as(b.getKey()).contains(b.getValue());
    }
    // The good forms still answer.
    for (String ok :
        List.of(
            "/api/v1/crossings?status=all&country=tjk&limit=5",
            "/api/v1/detections?class=person",
            "/api/v1/alerts?status=open&type=intrusion&zone=pa-a",
            "/api/v1/animals/deer-1/track?format=movebank-csv")) {
      assertThat(get(ok, admin).statusCode()).as(ok).isEqualTo(200);
    }
  }

  @Test
  void headGoesThroughTheSameChecksAsGet() throws Exception {
    for (ApiService.Route r : ApiService.ROUTES) {
      if (r.method() != HandlerType.GET) {
        continue;
      }
      String path = r.path().replace("{id}", "deer-1").replace("{name}", "countries");
      HttpResponse<String> anonymous =
          send("HEAD", path, null, HttpRequest.BodyPublishers.noBody());
      if (r.roles().isEmpty()) {
        assertThat(anonymous.statusCode()).as("HEAD " + path).isIn(200, 503);
        continue;
      }
      assertThat(anonymous.statusCode()).as("HEAD " + path + " without a token").isEqualTo(401);
      String wrong = r.roles().contains(Role.SCIENTIST) ? ranger : scientist;
      if (!r.roles().contains(Role.SCIENTIST) || !r.roles().contains(Role.RANGER)) {
        assertThat(send("HEAD", path, wrong, HttpRequest.BodyPublishers.noBody()).statusCode())
            .as("HEAD " + path + " wrong role")
            .isEqualTo(403);
      }
      HttpResponse<String> allowed = send("HEAD", path, admin, HttpRequest.BodyPublishers.noBody());
      assertThat(allowed.statusCode()).as("HEAD " + path + " as admin").isEqualTo(200);
      assertThat(allowed.body()).isEmpty();
    }
  }

  @Test
  void dataIsNeverCachedNorSniffedAndErrorsAreProblemDocuments() throws Exception {
    for (String path :
        List.of("/api/v1/animals", "/api/v1/crossings", "/api/v1/alerts", "/api/v1/me")) {
      HttpResponse<String> r = get(path, admin);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
    }
    HttpResponse<String> denied = get("/api/v1/crossings", null);
    problem(denied, 401);
    assertThat(denied.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(denied.headers().firstValue("Cache-Control")).hasValue("no-store");
    problem(get("/api/v1/crossings", ranger), 403);
    problem(get("/api/v1/no-such-route", admin), 404);
    problem(get("/api/v1/animals/no-such-deer/track", admin), 404);
  }

  @Test
  void aLiveStreamEndsSoonAfterItsTokenIsRevokedOrExpires() throws Exception {
    ApiTokens.Issued revokedLater =
        tokens.create("ranger to be revoked", Role.RANGER, List.of("pa-a"), null);
    ApiTokens.Issued expiring =
        tokens.create(
            "ranger whose token expires",
            Role.RANGER,
            List.of("pa-a"),
            Instant.now().plusSeconds(4));
    CompletableFuture<HttpResponse<Stream<String>>> first = stream(revokedLater.token());
    CompletableFuture<HttpResponse<Stream<String>>> second = stream(expiring.token());
    HttpResponse<Stream<String>> r1 = first.get(10, TimeUnit.SECONDS);
    HttpResponse<Stream<String>> r2 = second.get(10, TimeUnit.SECONDS);
    assertThat(r1.statusCode()).isEqualTo(200);
    assertThat(r2.statusCode()).isEqualTo(200);
    CompletableFuture<List<String>> lines1 =
        CompletableFuture.supplyAsync(() -> r1.body().toList());
    CompletableFuture<List<String>> lines2 =
        CompletableFuture.supplyAsync(() -> r2.body().toList());
    Instant revokedAt = Instant.now();
    assertThat(tokens.revoke(revokedLater.tokenId())).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(lines1::isDone);
    assertThat(Duration.between(revokedAt, Instant.now())).isLessThan(Duration.ofSeconds(10));
    assertThat(lines1.get()).anyMatch(l -> l.equals("event: revoked"));
    await().atMost(Duration.ofSeconds(15)).until(lines2::isDone);
    assertThat(lines2.get()).anyMatch(l -> l.equals("event: revoked"));
    // And the tokens no longer open a stream.
    assertThat(stream(revokedLater.token()).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
  }

  @Test
  void aWrongMethodIs405WithTheMethodsTheRouteHas() throws Exception {
    HttpResponse<String> delete =
        send("DELETE", "/api/v1/animals", admin, HttpRequest.BodyPublishers.noBody());
    problem(delete, 405);
    assertThat(delete.headers().firstValue("Allow")).contains("GET, HEAD");
    HttpResponse<String> getAck = get("/api/v1/alerts/A1/ack", admin);
    problem(getAck, 405);
    assertThat(getAck.headers().firstValue("Allow")).contains("POST");
    HttpResponse<String> put =
        send("PUT", "/api/v1/crossings", null, HttpRequest.BodyPublishers.ofString("{}"));
    problem(put, 405);
    assertThat(
            send("DELETE", "/api/v1/no-such-route", admin, HttpRequest.BodyPublishers.noBody())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void theLiveStreamStreamsWhateverTheClientAccepts() throws Exception {
    ApiTokens.Issued ranger = tokens.create("ranger with curl", Role.RANGER, List.of("pa-a"), null);
    HttpResponse<InputStream> r =
        HTTP.sendAsync(
                HttpRequest.newBuilder(uri("/api/v1/alerts/stream"))
                    .header("Authorization", "Bearer " + ranger.token())
                    .header("Accept", "*/*")
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream())
            .get(10, TimeUnit.SECONDS);
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      assertThat(lines.readLine()).isEqualTo(": tugai alert feed");
    }
    assertThat(tokens.revoke(ranger.tokenId())).isTrue();
  }

  static CompletableFuture<HttpResponse<Stream<String>>> stream(String token) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(uri("/api/v1/alerts/stream"))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .build(),
        HttpResponse.BodyHandlers.ofLines());
  }

  @Test
  void tokensCanAlwaysBeRevokedListedAndExpire() throws Exception {
    ApiTokens.Issued t = tokens.create("scientist Nodira", Role.SCIENTIST, List.of(), null);
    assertThat(t.tokenId()).matches("[0-9a-f]{12}");
    assertThat(t.token()).startsWith("tg_" + t.tokenId() + "_");
    // By the whole token, as a holder who lost track of the id would give it.
    assertThat(tokens.revoke(t.token())).isTrue();
    assertThat(tokens.verify(t.token())).isEmpty();
    assertThat(tokens.revoke(t.token())).as("already revoked").isFalse();
    // A token made before ids were hex may hold '_' in its id: its printed id still revokes it.
    String legacy = "tg_ab_cd-EF_" + "s".repeat(43);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        var ps =
            c.prepareStatement(
                "INSERT INTO api_tokens (token_id, token_hash, name, role) VALUES (?, ?, 'old', 'admin')")) {
      ps.setString(1, "ab_cd-EF");
      ps.setBytes(
          2,
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(legacy.getBytes(StandardCharsets.UTF_8)));
      ps.executeUpdate();
    }
    assertThat(tokens.verify(legacy)).isPresent();
    assertThat(tokens.revoke("ab_cd-EF")).isTrue();
    assertThat(tokens.verify(legacy)).isEmpty();
    // Expiry.
    ApiTokens.Issued brief =
        tokens.create("visitor", Role.SCIENTIST, List.of(), Instant.now().minusSeconds(1));
    assertThat(tokens.verify(brief.token())).isEmpty();
    problem(get("/api/v1/crossings", brief.token()), 401);
    // The list shows each token's state, never a secret.
    Map<String, String> states = new HashMap<>();
    tokens.list().forEach(l -> states.put(l.tokenId(), l.state(Instant.now())));
    assertThat(states)
        .containsEntry(t.tokenId(), "revoked")
        .containsEntry(brief.tokenId(), "expired")
        .containsEntry("ab_cd-EF", "revoked");
    assertThat(tokens.list()).allSatisfy(l -> assertThat(l.toString()).doesNotContain("tg_"));
    // A name the store cannot hold is refused.
    Assertions.assertThatThrownBy(() -> tokens.create("ranger\u0000", Role.ADMIN, List.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void aCrossingsPositionsAreCoarsenedByTheTimeOfTheFixTheyComeFrom() throws Exception {
    // Crossed just before the embargo's edge, but the fix after the border was taken inside it.
    Instant edge = Instant.now().minus(30, ChronoUnit.DAYS);
    Instant before = edge.minus(50, ChronoUnit.MINUTES);
    Instant crossed = edge.minus(10, ChronoUnit.MINUTES);
    Instant after = edge.plus(30, ChronoUnit.MINUTES);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      ApiIT.exec(
          c,
          "INSERT INTO crossings (crossing_id, animal_id, collar_id, from_country, to_country, crossed_at, before_fix_time, before_lat,"
              + " before_lon, after_fix_time, after_lat, after_lon, crossing_lat, crossing_lon, hotspot, population, status, revision, detected_at) VALUES"
              + " ('edge', 'deer-1', 'C1', 'TJK', 'AFG', '"
              + crossed
              + "', '"
              + before
              + "', 37.2345, 68.1234, '"
              + after
              + "', 37.1789, 68.1567,"
              + " 37.2011, 68.1401, 'panj-9', 'Tj1', 'confirmed', 0, now())");
    }
    String path =
        "/api/v1/crossings?hotspot=panj-9&from="
            + edge.minus(1, ChronoUnit.DAYS)
            + "&to="
            + edge.plus(1, ChronoUnit.DAYS);
    JsonNode asScientist = ApiIT.JSON.readTree(get(path, scientist).body()).get(0);
    assertThat(asScientist.path("beforeLat").asDouble())
        .as("before the embargo: as recorded")
        .isEqualTo(37.2345);
    assertThat(asScientist.path("afterLat").asDouble())
        .as("inside the embargo: the grid cell's centre")
        .isEqualTo(37.15, Offset.offset(1e-9));
    assertThat(asScientist.path("crossingLat").asDouble())
        .as("between both fixes: as recent as the later")
        .isEqualTo(37.25, Offset.offset(1e-9));
    assertThat(asScientist.path("precise").asBoolean()).isFalse();
    JsonNode asAdmin = ApiIT.JSON.readTree(get(path, admin).body()).get(0);
    assertThat(asAdmin.path("afterLat").asDouble()).isEqualTo(37.1789);
    assertThat(asAdmin.path("crossingLat").asDouble()).isEqualTo(37.2011);
  }

  @Test
  void tracksAndLastPositionsAreCoarsenedByEachFixsOwnTimeOnBothSidesOfTheEmbargo()
      throws Exception {
    Instant edge = Instant.now().minus(30, ChronoUnit.DAYS);
    Instant outside = edge.minus(2, ChronoUnit.HOURS);
    Instant inside = edge.plus(2, ChronoUnit.HOURS);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      ApiIT.exec(
          c,
          "INSERT INTO deployments (deployment_id, device_id, device_type, animal_id, species, deploy_on) VALUES"
              + " ('d-edge', 'C-EDGE', 'collar', 'deer-edge', 'Cervus elaphus bactrianus', '"
              + outside.minus(1, ChronoUnit.DAYS)
              + "')");
      try (var ps =
          c.prepareStatement(
              "INSERT INTO fixes (collar_id, fix_time, lat, lon, hdop, satellites, fix_type, battery_v, received_at,"
                  + " source, animal_id, country, zones, quality_flags) VALUES (?, ?, ?, ?, 1.1, 8, ?, 3.7, now(), 't', ?, 'TJK', ?, ?)")) {
        ApiIT.fix(c, ps, "C-EDGE", "deer-edge", outside, 37.2345, 68.7654, "3D", "pa-a", List.of());
        ApiIT.fix(c, ps, "C-EDGE", "deer-edge", inside, 37.2456, 68.7765, "3D", "pa-a", List.of());
        ps.executeBatch();
      }
    }
    String range =
        "from=" + outside.minus(1, ChronoUnit.HOURS) + "&to=" + inside.plus(1, ChronoUnit.HOURS);
    JsonNode track =
        ApiIT.JSON.readTree(get("/api/v1/animals/deer-edge/track?" + range, scientist).body());
    List<JsonNode> points = new ArrayList<>();
    track
        .path("features")
        .forEach(
            f -> {
              if (f.path("geometry").path("type").asText().equals("Point")) {
                points.add(f);
              }
            });
    assertThat(points).hasSize(2);
    assertThat(points.get(0).path("geometry").path("coordinates").get(1).asDouble())
        .isEqualTo(37.2345);
    assertThat(points.get(0).path("properties").path("coarsened").asBoolean()).isFalse();
    assertThat(points.get(1).path("geometry").path("coordinates").get(1).asDouble())
        .isEqualTo(37.25, Offset.offset(1e-9));
    assertThat(points.get(1).path("properties").path("coarsened").asBoolean()).isTrue();

    List<String> csv =
        get("/api/v1/animals/deer-edge/track?format=movebank-csv&" + range, scientist)
            .body()
            .lines()
            .toList();
    List<String> header = List.of(csv.get(0).split(","));
    assertThat(csv.get(1).split(",", -1)[header.indexOf("location-lat")]).isEqualTo("37.2345");
    assertThat(Double.parseDouble(csv.get(2).split(",", -1)[header.indexOf("location-lat")]))
        .isEqualTo(37.25, Offset.offset(1e-9));
    assertThat(csv.get(2).split(",", -1)[header.indexOf("tugai:coarsened")]).isEqualTo("true");

    JsonNode animals = ApiIT.JSON.readTree(get("/api/v1/animals", scientist).body());
    JsonNode deer = null;
    for (JsonNode a : animals) {
      if (a.path("animalId").asText().equals("deer-edge")) {
        deer = a;
      }
    }
    assertThat(deer).isNotNull();
    assertThat(deer.path("lastFix").path("precision").asText()).isEqualTo("coarsened");
    assertThat(deer.path("lastFix").path("lat").asDouble()).isEqualTo(37.25, Offset.offset(1e-9));
    assertThat(ApiIT.JSON.readTree(get("/api/v1/animals", admin).body()).findValues("lat"))
        .extracting(JsonNode::asDouble)
        .contains(37.2456);
  }
}
