package org.tugai.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MovebankCsvTest {

  static final String HEADER =
      "event-id,visible,timestamp,location-long,location-lat,gps:hdop,gps:satellite-count,"
          + "height-above-ellipsoid,external-temperature,tag-voltage,sensor-type,tag-local-identifier,individual-local-identifier\n";
  static final ObjectMapper JSON = new ObjectMapper();

  static List<MovebankCsv.Row> rows(String body) throws Exception {
    List<MovebankCsv.Row> out = new ArrayList<>();
    try (MovebankCsv csv = MovebankCsv.read(new StringReader(HEADER + body))) {
      csv.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void aGpsRowBecomesAFixWithMovebankUnitsConverted() throws Exception {
    MovebankCsv.Fix fix =
        (MovebankCsv.Fix)
            rows("1,true,2019-03-01 04:15:07.250,68.3614127,37.2399517,1.4,9,372,16.5,3613,gps,7431,\"Bd, F1\"\n")
                .get(0);
    assertThat(fix.collarId()).isEqualTo("7431");
    assertThat(fix.fixTime()).isEqualTo(Instant.parse("2019-03-01T04:15:07.250Z"));
    assertThat(fix.failed()).isFalse();
    JsonNode json = JSON.readTree(fix.json());
    assertThat(json.path("lat").asDouble()).isEqualTo(37.2399517);
    assertThat(json.path("lon").asDouble()).isEqualTo(68.3614127);
    assertThat(json.path("satellites").asInt()).isEqualTo(9);
    assertThat(json.path("hdop").asDouble()).isEqualTo(1.4);
    assertThat(json.path("altitudeM").asDouble()).isEqualTo(372);
    assertThat(json.path("fixType").asText()).isEqualTo("3D");
    // tag-voltage is in millivolts.
    assertThat(json.path("batteryV").asDouble()).isEqualTo(3.613);
    assertThat(json.path("fixTime").asText()).isEqualTo("2019-03-01T04:15:07.250Z");
  }

  @Test
  void anArgosRowKeepsItsClassAndErrorEllipse() throws Exception {
    String header =
        "timestamp,location-long,location-lat,sensor-type,tag-local-identifier,argos:lc,argos:error-radius,argos:semi-major,"
            + "argos:semi-minor,argos:orientation\n";
    try (MovebankCsv csv =
        MovebankCsv.read(
            new StringReader(
                header
                    + "2019-03-01 04:15:07.000,68.36,37.24,argos-doppler-shift,A-17,1,612,1480,254,91\n"))) {
      JsonNode json = JSON.readTree(((MovebankCsv.Fix) csv.next()).json());
      assertThat(json.path("locationClass").asText()).isEqualTo("1");
      assertThat(json.path("errorRadiusM").asDouble()).isEqualTo(612);
      assertThat(json.path("errorSemiMajorM").asDouble()).isEqualTo(1480);
      assertThat(json.path("errorSemiMinorM").asDouble()).isEqualTo(254);
      assertThat(json.path("errorEllipseOrientationDeg").asDouble()).isEqualTo(91);
      assertThat(json.has("fixType")).isFalse();
    }
  }

  @Test
  void aRowWithoutCoordinatesIsAFailedFixNotASkippedRow() throws Exception {
    List<MovebankCsv.Row> rows =
        rows(
            "2,true,2019-03-01 05:00:00.000,,,,0,,12.0,3600,gps,7431,F1\n"
                + "3,true,2019-03-01 06:00:00.000,NA,NA,,0,,12.0,3600,gps,7431,F1\n");
    assertThat(rows)
        .allSatisfy(
            r -> {
              MovebankCsv.Fix f = (MovebankCsv.Fix) r;
              assertThat(f.failed()).isTrue();
              JsonNode json = JSON.readTree(f.json());
              assertThat(json.has("lat")).isFalse();
              assertThat(json.path("fixType").asText()).isEqualTo("none");
              assertThat(json.path("batteryV").asDouble()).isEqualTo(3.6);
            });
  }

  @Test
  void rowsThatCannotBeAFixAreSkippedWithTheReasonAndTheLine() throws Exception {
    List<MovebankCsv.Row> rows =
        rows(
            "4,true,01/03/2019 04:00,68.3,37.2,1,7,350,10,3600,gps,7431,F1\n"
                + "5,true,2019-03-01 07:00:00.000,68.3,37.2,1,7,350,10,3600,gps,,F1\n"
                + "6,true,2019-03-01 08:00:00.000,68.3,95.2,1,7,350,10,3600,gps,7431,F1\n"
                + "7,true,2019-03-01 09:00:00.000,68.3,,1,7,350,10,3600,gps,7431,F1\n"
                + "8,true,2019-03-01 10:00:00.000,68.3,37.2,lots,7,350,10,3600,gps,7431,F1\n"
                + "9,true,2019-03-01 11:00:00.000,Infinity,37.2,1,7,350,10,3600,gps,7431,F1\n"
                + "10,true,2019-03-01 12:00:00.000,68.3,37.2,1,7,350,10,3600,gps,7431,F1\n");
    assertThat(rows).extracting(MovebankCsv.Row::line).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(rows.subList(0, 6)).allMatch(r -> r instanceof MovebankCsv.Skipped);
    assertThat(rows.subList(0, 6))
        .extracting(r -> ((MovebankCsv.Skipped) r).reason())
        .containsExactly(
            "timestamp '01/03/2019 04:00' is not yyyy-MM-dd HH:mm:ss.SSS",
            "no tag-local-identifier",
            "location 95.2, 68.3 is outside the globe",
            "only one of location-lat and location-long is given",
            "gps:hdop 'lots' is not a number",
            "location-long 'Infinity' is not a finite number");
    // The pipeline goes on after bad rows.
    assertThat(rows.get(6)).isInstanceOf(MovebankCsv.Fix.class);
  }

  @Test
  void cellsTheStoreCannotHoldSkipTheirRow() throws Exception {
    List<MovebankCsv.Row> rows =
        rows(
            "4,true,2019-03-01 07:00:00.000,68.3,37.2,1,7,350,10,3600,gps,7431,F1\u0000\n"
                + "5,true,2019-03-01 08:00:00.000,68.3,37.2,1,7,350,10,3600,gps,74\u000731,F1\n"
                + "6,true,2019-03-01 09:00:00.000,68.3,37.2,1,7,350,10,3600,gps,7431,F1\n");
    assertThat(rows.subList(0, 2))
        .allSatisfy(r -> assertThat(r).isInstanceOf(MovebankCsv.Skipped.class));
    assertThat(((MovebankCsv.Skipped) rows.get(0)).reason()).contains("NUL");
    assertThat(((MovebankCsv.Skipped) rows.get(1)).reason()).contains("U+0007");
    assertThat(rows.get(2)).isInstanceOf(MovebankCsv.Fix.class);
  }

  @Test
  void theShippedExampleExportHasFailedFixesAndBadRows() throws Exception {
    List<MovebankCsv.Row> rows = new ArrayList<>();
    try (MovebankCsv csv =
        MovebankCsv.read(
            new InputStreamReader(
                MovebankCsvTest.class.getResourceAsStream("/movebank/bukhara-deer-example.csv"),
                StandardCharsets.UTF_8))) {
      csv.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(123);
    assertThat(rows).filteredOn(r -> r instanceof MovebankCsv.Fix f && f.failed()).hasSize(15);
    assertThat(rows).filteredOn(r -> r instanceof MovebankCsv.Skipped).hasSize(3);
  }
}
