package org.tugai.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;

/**
 * The TimescaleDB branch of the migrations and the API's queries on a real TimescaleDB, given as
 * {@code TUGAI_TIMESCALE_URL} by {@code deploy/timescale-smoke.sh} (PGlite's WASM build here; any
 * TimescaleDB will do). Skipped when no TimescaleDB is given.
 */
@ExtendWith(TugaiInfrastructure.class)
class TimescaleSmokeIT {

  @Test
  void migrationsMakeHypertablesAndTheApiAnswersFromThem(Infrastructure infra) throws Exception {
    String url = System.getenv("TUGAI_TIMESCALE_URL");
    assumeTrue(
        url != null,
        "no TimescaleDB given (TUGAI_TIMESCALE_URL); deploy/timescale-smoke.sh provides one");
    Infrastructure.Database db = new Infrastructure.Database(url, "postgres", "postgres");
    String prefix = Infrastructure.uniqueName("tsdb") + ".";
    try (ApiService api =
        new ApiService(
            ApiConfig.from(
                Settings.of(
                    Map.of(
                        "kafka.bootstrap-servers",
                        infra.kafkaBootstrapServers(),
                        "kafka.topic-prefix",
                        prefix,
                        "db.url",
                        url,
                        "db.user",
                        db.user(),
                        "db.password",
                        db.password(),
                        "db.pool-size",
                        "2",
                        "http.port",
                        "0"))),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      api.start();
      try (Connection c = DriverManager.getConnection(url, db.user(), db.password())) {
        assertThat(
                strings(
                    c,
                    "SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1"))
            .containsExactly("dead_letters", "fixes");
        assertThat(
                strings(c, "SELECT view_name FROM timescaledb_information.continuous_aggregates"))
            .containsExactly("daily_positions");
        assertThat(
                strings(
                    c,
                    "SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name IN ('fixes', 'dead_letters')"
                        + " OR proc_name = 'policy_refresh_continuous_aggregate' ORDER BY 1"))
            .contains(
                "policy_compression", "policy_retention", "policy_refresh_continuous_aggregate");
      }
      ApiIT.seed(db);
      try (Connection c = DriverManager.getConnection(url, db.user(), db.password())) {
        c.createStatement()
            .execute("CALL refresh_continuous_aggregate('daily_positions', NULL, NULL)");
        // ApiIT's 300 good GPS fixes of deer-1 and its one good Argos position.
        assertThat(
                strings(
                    c, "SELECT sum(fixes)::text FROM daily_positions WHERE animal_id = 'deer-1'"))
            .containsExactly("301");
      }
      HttpClient http = HttpClient.newHttpClient();
      // PGlite runs one statement at a time for all connections, so the pool may still be
      // connecting.
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  http.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + api.port() + "/health"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body()
                      .contains("\"database\":\"UP\""));
      String token =
          new ApiTokens(TestDataSources.of(db))
              .create("smoke", Role.ADMIN, List.of(), null)
              .token();
      ObjectMapper json = new ObjectMapper();
      for (String path :
          List.of(
              "/api/v1/animals",
              "/api/v1/animals/deer-1/track?from=2020-01-01",
              "/api/v1/crossings?status=all",
              "/api/v1/detections",
              "/api/v1/alerts")) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        assertThat(body.isArray() ? body.size() : body.path("features").size())
            .as(path)
            .isGreaterThan(0);
      }
      HttpResponse<String> csv =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + api.port()
                              + "/api/v1/animals/deer-1/track?from=2020-01-01&format=movebank-csv"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(csv.body().lines().count())
          .isEqualTo(304); // the header and ApiIT's 303 fixes of deer-1
      assertThat(csv.body()).contains("argos-doppler-shift");
    }
  }

  private static List<String> strings(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
