package org.tugai.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The vendors' exports as their software writes them, read into native-format fixes. */
class VendorFormatTest {

  static String resource(String name) throws Exception {
    try (var in = VendorFormatTest.class.getResourceAsStream("/vendor/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, JsonNode> byTime(VendorFormat.Parsed p) {
    return p.rows().stream()
        .collect(Collectors.toMap(r -> r.fix().path("fixTime").asText(), VendorFormat.Row::fix));
  }

  @Test
  void vectronicSemicolonsDecimalCommasFixTypesAndMortality() throws Exception {
    String text = resource("vectronic-gps-plus-x.csv");
    assertThat(VendorFormat.detect(text)).contains(VendorFormat.VECTRONIC);
    VendorFormat.Parsed p = VendorFormat.VECTRONIC.parse(text, "34127.csv");
    Map<String, JsonNode> fixes = byTime(p);
    assertThat(fixes).hasSize(5);
    JsonNode first = fixes.get("2026-11-01T00:00:30Z");
    assertThat(first.path("collarId").asText()).isEqualTo("34127");
    assertThat(first.path("lat").asDouble()).isEqualTo(37.2311042);
    assertThat(first.path("lon").asDouble()).isEqualTo(68.4012781);
    assertThat(first.path("altitudeM").asDouble()).isEqualTo(392.4);
    assertThat(first.path("hdop").asDouble()).isEqualTo(1.6);
    assertThat(first.path("satellites").asInt()).isEqualTo(8);
    assertThat(first.path("fixType").asText()).isEqualTo("3D");
    assertThat(first.path("errorRadiusM").asDouble()).isEqualTo(7.2);
    assertThat(first.path("batteryV").asDouble()).isEqualTo(3.62);
    assertThat(first.path("temperatureC").asDouble()).isEqualTo(11);
    assertThat(first.path("mortality").asBoolean()).isFalse();
    assertThat(first.path("activity").asInt()).isEqualTo(17);
    assertThat(fixes.get("2026-11-01T02:00:31Z").path("fixType").asText()).isEqualTo("none");
    assertThat(fixes.get("2026-11-01T02:00:31Z").has("lat")).isFalse();
    assertThat(fixes.get("2026-11-01T03:00:30Z").path("fixType").asText()).isEqualTo("2D");
    assertThat(fixes.get("2026-11-01T04:00:30Z").path("mortality").asBoolean()).isTrue();
    assertThat(p.skipped())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.line()).isEqualTo(7);
              assertThat(s.reason()).contains("Latitude [°]").contains("37,23x");
            });
  }

  @Test
  void lotekDashesUnderTheHeaderZeroPositionsAndBadDates() throws Exception {
    String text = resource("lotek-web-service.csv");
    assertThat(VendorFormat.detect(text)).contains(VendorFormat.LOTEK);
    VendorFormat.Parsed p = VendorFormat.LOTEK.parse(text, "GPS_41877.csv");
    Map<String, JsonNode> fixes = byTime(p);
    assertThat(fixes.keySet())
        .containsExactlyInAnyOrder(
            "2026-11-01T00:00:12Z",
            "2026-11-01T02:00:10Z",
            "2026-11-01T04:00:14Z",
            "2026-11-01T06:00:09Z");
    assertThat(fixes.get("2026-11-01T00:00:12Z").path("collarId").asText()).isEqualTo("41877");
    assertThat(fixes.get("2026-11-01T02:00:10Z").path("satellites").asInt()).isEqualTo(8);
    assertThat(fixes.get("2026-11-01T04:00:14Z").path("fixType").asText()).isEqualTo("none");
    assertThat(fixes.get("2026-11-01T04:00:14Z").has("lat")).isFalse();
    assertThat(fixes.get("2026-11-01T06:00:09Z").path("fixType").asText()).isEqualTo("2D");
    assertThat(fixes.get("2026-11-01T06:00:09Z").path("batteryV").asDouble()).isEqualTo(3.65);
    assertThat(p.skipped())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.line()).isEqualTo(7);
              assertThat(s.reason()).contains("11-31-2026");
            });
  }

  @Test
  void telonicsHeaderBlockRepeatedMessagesArgosAndFailedAttempts() throws Exception {
    String text = resource("telonics-complete.csv");
    assertThat(VendorFormat.detect(text)).contains(VendorFormat.TELONICS);
    VendorFormat.Parsed p = VendorFormat.TELONICS.parse(text, "712044A Complete.csv");
    Map<String, JsonNode> fixes = byTime(p);
    assertThat(p.repeats()).isEqualTo(1);
    assertThat(fixes).hasSize(6);
    assertThat(p.rows()).allSatisfy(r -> assertThat(r.collarId()).isEqualTo("712044A"));
    JsonNode gps = fixes.get("2026-11-19T00:00:00Z");
    assertThat(gps.path("lat").asDouble()).isEqualTo(37.4012001);
    assertThat(gps.path("hdop").asDouble()).isEqualTo(1.2);
    assertThat(gps.path("satellites").asInt()).isEqualTo(7);
    assertThat(gps.path("errorRadiusM").asDouble()).isEqualTo(6.2);
    assertThat(gps.path("activity").asInt()).isEqualTo(113);
    assertThat(gps.path("fixType").asText()).isEqualTo("3D");
    assertThat(fixes.get("2026-11-19T02:00:00Z").path("fixType").asText()).isEqualTo("none");
    assertThat(fixes.get("2026-11-19T04:00:00Z").path("fixType").asText()).isEqualTo("2D");
    JsonNode argos = fixes.get("2026-11-19T05:12:40Z");
    assertThat(argos.path("locationClass").asText()).isEqualTo("1");
    assertThat(argos.path("errorRadiusM").asDouble()).isEqualTo(612);
    assertThat(argos.path("errorSemiMajorM").asDouble()).isEqualTo(1480);
    assertThat(argos.path("errorSemiMinorM").asDouble()).isEqualTo(254);
    assertThat(argos.path("errorEllipseOrientationDeg").asDouble()).isEqualTo(91);
    assertThat(argos.has("fixType")).isFalse();
    assertThat(fixes.get("2026-11-19T05:31:02Z").path("locationClass").asText()).isEqualTo("B");
    assertThat(fixes.get("2026-11-19T06:00:00Z").path("mortality").asBoolean()).isTrue();
    assertThat(p.skipped())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.line()).isEqualTo(32);
              assertThat(s.reason()).contains("GPS Latitude").contains("37.40xx");
            });
  }

  @Test
  void aFileWithoutAKnownHeaderIsNoFormat() {
    assertThat(VendorFormat.detect("just,some\n1,2\n")).isEmpty();
    assertThat(VendorFormat.named("TELONICS")).contains(VendorFormat.TELONICS);
    assertThat(List.of(VendorFormat.values()))
        .extracting(VendorFormat::cliName)
        .containsExactly("vectronic", "lotek", "telonics");
  }
}
