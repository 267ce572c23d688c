package org.tugai.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;
import org.tugai.api.ApiConfig;
import org.tugai.api.ApiService;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;

/**
 * A track exported as Movebank CSV and read back by the replay gives every stored sensor field
 * back, equal: GPS quality, temperature, battery, mortality, activity, Argos class and error
 * ellipse. The event-id is a number R and pandas read exactly (below 2^53).
 */
@ExtendWith(TugaiInfrastructure.class)
class MovebankRoundTripIT {

  @Test
  void anExportReadBackByTheReplayKeepsEveryField(Infrastructure infra) throws Exception {
    Infrastructure.Database db = infra.newDatabase();
    String prefix = Infrastructure.uniqueName("mb") + ".";
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
                        db.url(),
                        "db.user",
                        db.user(),
                        "db.password",
                        db.password(),
                        "http.port",
                        "0",
                        "api.study-name",
                        "Bukhara deer, Tigrovaya Balka"))),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      api.start();
      Instant t0 = Instant.parse("2026-02-01T04:00:00Z");
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
        c.createStatement()
            .execute(
                "INSERT INTO deployments (deployment_id, device_id, device_type, animal_id, species, deploy_on) VALUES"
                    + " ('d1', 'TJ-BD-050', 'collar', 'deer-50', 'Cervus elaphus bactrianus', '2026-01-01T00:00:00Z')");
        c.createStatement()
            .execute(
                "INSERT INTO fixes (collar_id, fix_time, lat, lon, altitude_m, hdop, satellites, fix_type, temperature_c,"
                    + " battery_v, mortality, activity, received_at, source, animal_id, quality_flags) VALUES"
                    + " ('TJ-BD-050', '"
                    + t0
                    + "', 37.2399517, 68.3614127, 372.5, 1.4, 9, '3D', 16.5, 3.613, false, 17, now(), 't', 'deer-50', '{}'),"
                    + " ('TJ-BD-050', '"
                    + t0.plusSeconds(3_600)
                    + "', 37.2401, 68.3616, 370, 3.9, 4, '2D', 15, 3.6, true, 0, now(), 't', 'deer-50', '{}'),"
                    + " ('TJ-BD-050', '"
                    + t0.plusSeconds(7_200)
                    + "', null, null, null, null, 0, 'none', 14.5, 3.59, true, null, now(), 't', 'deer-50',"
                    + " '{failed-fix}')");
        c.createStatement()
            .execute(
                "INSERT INTO fixes (collar_id, fix_time, lat, lon, fix_type, received_at, source, animal_id, quality_flags,"
                    + " location_class, error_radius_m, error_semi_major_m, error_semi_minor_m, error_ellipse_orientation_deg, temperature_c) VALUES"
                    + " ('TJ-BD-050', '"
                    + t0.plusSeconds(9_000)
                    + "', 37.25, 68.37, 'unknown', now(), 't', 'deer-50', '{}', 'A', 1250, 2900, 410, 122.5, 14)");
      }
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl(db.url());
      ds.setUser(db.user());
      ds.setPassword(db.password());
      String token = new ApiTokens(ds).create("round trip", Role.ADMIN, List.of(), null).token();
      HttpResponse<String> csv =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + api.port()
                                  + "/api/v1/animals/deer-50/track?format=movebank-csv&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(csv.statusCode()).isEqualTo(200);

      List<MovebankCsv.Row> rows = new ArrayList<>();
      try (MovebankCsv read = MovebankCsv.read(new StringReader(csv.body()))) {
        read.forEachRemaining(rows::add);
      }
      assertThat(rows)
          .hasSize(4)
          .allSatisfy(r -> assertThat(r).isInstanceOf(MovebankCsv.Fix.class));
      ObjectMapper json = new ObjectMapper();
      List<JsonNode> fixes = new ArrayList<>();
      for (MovebankCsv.Row r : rows) {
        fixes.add(json.readTree(((MovebankCsv.Fix) r).json()));
      }
      JsonNode gps = fixes.get(0);
      assertThat(gps.path("collarId").asText()).isEqualTo("TJ-BD-050");
      assertThat(gps.path("fixTime").asText()).isEqualTo(t0.toString());
      assertThat(gps.path("lat").asDouble()).isEqualTo(37.2399517);
      assertThat(gps.path("lon").asDouble()).isEqualTo(68.3614127);
      assertThat(gps.path("altitudeM").asDouble()).isEqualTo(372.5);
      assertThat(gps.path("hdop").asDouble()).isEqualTo(1.4);
      assertThat(gps.path("satellites").asInt()).isEqualTo(9);
      assertThat(gps.path("fixType").asText()).isEqualTo("3D");
      assertThat(gps.path("temperatureC").asDouble()).isEqualTo(16.5);
      assertThat(gps.path("batteryV").asDouble()).isEqualTo(3.613);
      assertThat(gps.path("mortality").asBoolean()).isFalse();
      assertThat(gps.path("activity").asInt()).isEqualTo(17);
      JsonNode twoD = fixes.get(1);
      assertThat(twoD.path("fixType").asText())
          .as("the stored type, not a guess from 4 satellites")
          .isEqualTo("2D");
      assertThat(twoD.path("mortality").asBoolean()).isTrue();
      assertThat(twoD.path("activity").asInt()).isZero();
      JsonNode failed = fixes.get(2);
      assertThat(failed.path("fixType").asText()).isEqualTo("none");
      assertThat(failed.has("lat")).isFalse();
      assertThat(failed.path("mortality").asBoolean()).isTrue();
      assertThat(failed.path("batteryV").asDouble()).isEqualTo(3.59);
      JsonNode argos = fixes.get(3);
      assertThat(argos.path("locationClass").asText()).isEqualTo("A");
      assertThat(argos.path("errorRadiusM").asDouble()).isEqualTo(1250);
      assertThat(argos.path("errorSemiMajorM").asDouble()).isEqualTo(2900);
      assertThat(argos.path("errorSemiMinorM").asDouble()).isEqualTo(410);
      assertThat(argos.path("errorEllipseOrientationDeg").asDouble()).isEqualTo(122.5);
      assertThat(argos.has("fixType")).isFalse();

      List<String> lines = csv.body().lines().toList();
      List<String> header = List.of(lines.get(0).split(","));
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",", -1);
        long eventId = Long.parseLong(cells[header.indexOf("event-id")]);
        assertThat((long) (double) eventId)
            .as("event-id read as a double, as R and pandas do")
            .isEqualTo(eventId);
        assertThat(line).contains("\"Bukhara deer, Tigrovaya Balka\"");
      }
    }
  }
}
