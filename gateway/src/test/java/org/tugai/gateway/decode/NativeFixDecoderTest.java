package org.tugai.gateway.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.schemas.ReasonCodes;

public class NativeFixDecoderTest {

  public static final Instant NOW = Instant.parse("2026-03-01T05:00:00Z");
  public static final TimeWindow WINDOW =
      new TimeWindow(
          Clock.fixed(NOW, ZoneOffset.UTC),
          Duration.ofMinutes(10),
          Instant.parse("2000-01-01T00:00:00Z"));
  public static final String DESIGN_EXAMPLE =
      """
      {"collarId": "TJ-BD-017", "fixTime": "2026-03-01T04:00:00Z", "lat": 37.312, "lon": 68.127,
       "altitudeM": 391, "hdop": 1.2, "satellites": 7, "fixType": "3D",
       "temperatureC": 14.5, "batteryV": 3.61, "mortality": false, "activity": 42}""";

  private final NativeFixDecoder decoder = new NativeFixDecoder(WINDOW);

  private Decoded<Fix> decode(String collar, String json) {
    return decoder.decode(
        collar,
        json.getBytes(StandardCharsets.UTF_8),
        "local:tugai/v1/collars/" + collar + "/fixes",
        NOW);
  }

  @Test
  void decodesTheDesignExample() {
    Decoded<Fix> d = decode("TJ-BD-017", DESIGN_EXAMPLE);
    assertThat(d.rejected()).isEmpty();
    Fix fix = d.records().get(0);
    assertThat(fix.getCollarId()).isEqualTo("TJ-BD-017");
    assertThat(fix.getFixTime()).isEqualTo(Instant.parse("2026-03-01T04:00:00Z"));
    assertThat(fix.getLat()).isEqualTo(37.312);
    assertThat(fix.getLon()).isEqualTo(68.127);
    assertThat(fix.getAltitudeM()).isEqualTo(391.0);
    assertThat(fix.getHdop()).isEqualTo(1.2);
    assertThat(fix.getSatellites()).isEqualTo(7);
    assertThat(fix.getFixType()).isEqualTo(FixType.THREE_D);
    assertThat(fix.getTemperatureC()).isEqualTo(14.5);
    assertThat(fix.getBatteryV()).isEqualTo(3.61);
    assertThat(fix.getMortality()).isFalse();
    assertThat(fix.getActivity()).isEqualTo(42);
    assertThat(fix.getReceivedAt()).isEqualTo(NOW);
    assertThat(fix.getSource()).isEqualTo("local:tugai/v1/collars/TJ-BD-017/fixes");
  }

  @Test
  void keepsAFailedFixAsASignOfLife() {
    Decoded<Fix> d =
        decode(
            "C1",
            "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00Z\",\"fixType\":\"none\",\"batteryV\":3.5}");
    assertThat(d.rejected()).isEmpty();
    assertThat(d.records().get(0).getFixType()).isEqualTo(FixType.NONE);
    assertThat(d.records().get(0).getLat()).isNull();
    assertThat(d.records().get(0).getBatteryV()).isEqualTo(3.5);
  }

  @Test
  void carriesAnArgosPositionsClassAndErrorEllipse() {
    Decoded<Fix> d =
        decode(
            "C1",
            "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00Z\",\"lat\":37,\"lon\":68,"
                + "\"locationClass\":\"a\",\"errorRadiusM\":850,\"errorSemiMajorM\":1900,\"errorSemiMinorM\":380,\"errorEllipseOrientationDeg\":74}");
    Fix fix = d.records().get(0);
    assertThat(fix.getLocationClass()).isEqualTo("A");
    assertThat(fix.getErrorRadiusM()).isEqualTo(850.0);
    assertThat(fix.getErrorSemiMajorM()).isEqualTo(1900.0);
    assertThat(fix.getErrorSemiMinorM()).isEqualTo(380.0);
    assertThat(fix.getErrorEllipseOrientationDeg()).isEqualTo(74.0);
    Decoded<Fix> numeric =
        decode(
            "C1",
            "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00Z\",\"lat\":37,\"lon\":68,\"locationClass\":2}");
    assertThat(numeric.records().get(0).getLocationClass()).isEqualTo("2");
    Decoded<Fix> bad =
        decode(
            "C1",
            "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00Z\",\"lat\":37,\"lon\":68,\"locationClass\":\"X\"}");
    assertThat(bad.rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.rejection().reason()).contains("not an Argos location class"));
  }

  @Test
  void acceptsTimesWithAnOffset() {
    Decoded<Fix> d =
        decode(
            "C1",
            "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T09:00:00+05:00\",\"lat\":37,\"lon\":68}");
    assertThat(d.records().get(0).getFixTime()).isEqualTo(Instant.parse("2026-03-01T04:00:00Z"));
    assertThat(d.records().get(0).getFixType()).isEqualTo(FixType.UNKNOWN);
  }

  @Test
  void aBatchPassesItsGoodFixesAndDeadLettersEachBadOne() {
    String batch =
        "["
            + DESIGN_EXAMPLE.replace("TJ-BD-017", "C1")
            + ","
            + "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T03:00:00Z\",\"lat\":91,\"lon\":68},"
            + "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T02:00:00Z\",\"lat\":37.1,\"lon\":68.2}]";
    Decoded<Fix> d = decode("C1", batch);
    assertThat(d.records())
        .extracting(Fix::getFixTime)
        .containsExactly(
            Instant.parse("2026-03-01T04:00:00Z"), Instant.parse("2026-03-01T02:00:00Z"));
    assertThat(d.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo(ReasonCodes.OUT_OF_RANGE);
              assertThat(p.rejection().reason()).startsWith("batch element 1: lat 91");
              assertThat(new String(p.bytes(), StandardCharsets.UTF_8))
                  .contains("\"lat\":91")
                  .doesNotContain("37.312");
              assertThat(p.deviceId()).isEqualTo("C1");
            });
  }

  static Stream<Arguments> nasty() {
    String ok = "\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00Z\"";
    return Stream.of(
        Arguments.of(
            "truncated JSON",
            "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00",
            ReasonCodes.PARSE_ERROR),
        Arguments.of("NaN literal", "{" + ok + ",\"lat\":NaN,\"lon\":68}", ReasonCodes.PARSE_ERROR),
        Arguments.of(
            "NaN as a string", "{" + ok + ",\"lat\":\"NaN\",\"lon\":68}", ReasonCodes.WRONG_TYPE),
        Arguments.of(
            "overflowing number", "{" + ok + ",\"lat\":1e999,\"lon\":68}", ReasonCodes.NON_FINITE),
        Arguments.of("lat 91", "{" + ok + ",\"lat\":91,\"lon\":68}", ReasonCodes.OUT_OF_RANGE),
        Arguments.of("lon -181", "{" + ok + ",\"lat\":37,\"lon\":-181}", ReasonCodes.OUT_OF_RANGE),
        Arguments.of("null island", "{" + ok + ",\"lat\":0,\"lon\":0.0}", ReasonCodes.NULL_ISLAND),
        Arguments.of(
            "the year 2099",
            "{\"collarId\":\"C1\",\"fixTime\":\"2099-01-01T00:00:00Z\",\"lat\":37,\"lon\":68}",
            ReasonCodes.FUTURE_TIME),
        Arguments.of(
            "GPS epoch",
            "{\"collarId\":\"C1\",\"fixTime\":\"1980-01-06T00:00:00Z\",\"lat\":37,\"lon\":68}",
            ReasonCodes.TOO_OLD),
        Arguments.of(
            "time without zone",
            "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00\",\"lat\":37,\"lon\":68}",
            ReasonCodes.WRONG_TYPE),
        Arguments.of(
            "time as epoch number",
            "{\"collarId\":\"C1\",\"fixTime\":1772337600,\"lat\":37,\"lon\":68}",
            ReasonCodes.WRONG_TYPE),
        Arguments.of(
            "topic names another device",
            "{\"collarId\":\"C2\",\"fixTime\":\"2026-03-01T04:00:00Z\",\"lat\":37,\"lon\":68}",
            ReasonCodes.DEVICE_MISMATCH),
        Arguments.of(
            "missing collarId",
            "{\"fixTime\":\"2026-03-01T04:00:00Z\",\"lat\":37,\"lon\":68}",
            ReasonCodes.MISSING_FIELD),
        Arguments.of(
            "missing fixTime",
            "{\"collarId\":\"C1\",\"lat\":37,\"lon\":68}",
            ReasonCodes.MISSING_FIELD),
        Arguments.of(
            "collarId a number",
            "{\"collarId\":1,\"fixTime\":\"2026-03-01T04:00:00Z\"}",
            ReasonCodes.WRONG_TYPE),
        Arguments.of("lat without lon", "{" + ok + ",\"lat\":37}", ReasonCodes.INCONSISTENT),
        Arguments.of(
            "failed fix with a position",
            "{" + ok + ",\"fixType\":\"none\",\"lat\":37,\"lon\":68}",
            ReasonCodes.INCONSISTENT),
        Arguments.of(
            "position missing", "{" + ok + ",\"fixType\":\"3D\"}", ReasonCodes.MISSING_FIELD),
        Arguments.of(
            "unknown fixType",
            "{" + ok + ",\"fixType\":\"4D\",\"lat\":37,\"lon\":68}",
            ReasonCodes.OUT_OF_RANGE),
        Arguments.of(
            "fractional satellites",
            "{" + ok + ",\"lat\":37,\"lon\":68,\"satellites\":3.5}",
            ReasonCodes.WRONG_TYPE),
        Arguments.of(
            "negative hdop",
            "{" + ok + ",\"lat\":37,\"lon\":68,\"hdop\":-1}",
            ReasonCodes.OUT_OF_RANGE),
        Arguments.of(
            "mortality as string",
            "{" + ok + ",\"lat\":37,\"lon\":68,\"mortality\":\"yes\"}",
            ReasonCodes.WRONG_TYPE),
        Arguments.of(
            "duplicate keys",
            "{" + ok + ",\"lat\":37,\"lat\":38,\"lon\":68}",
            ReasonCodes.PARSE_ERROR),
        Arguments.of(
            "trailing garbage", "{" + ok + ",\"lat\":37,\"lon\":68} xyz", ReasonCodes.PARSE_ERROR),
        Arguments.of("empty payload", "", ReasonCodes.PARSE_ERROR),
        Arguments.of("JSON null", "null", ReasonCodes.NOT_AN_OBJECT),
        Arguments.of("a bare number", "42", ReasonCodes.NOT_AN_OBJECT),
        Arguments.of("empty batch", "[]", ReasonCodes.EMPTY_BATCH),
        Arguments.of("deep nesting", "[".repeat(5000) + "]".repeat(5000), ReasonCodes.PARSE_ERROR),
        Arguments.of(
            "id with a slash",
            "{\"collarId\":\"C1/x\",\"fixTime\":\"2026-03-01T04:00:00Z\"}",
            ReasonCodes.INVALID_ID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nasty")
  void rejectsNastyInputWithAReason(String what, String json, String code) {
    Decoded<Fix> d = decode("C1", json);
    assertThat(d.records()).as(what).isEmpty();
    assertThat(d.rejected())
        .as(what)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo(code);
              assertThat(p.rejection().reason()).isNotBlank().doesNotContain("\n");
            });
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] payload =
        "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00Z\",\"note\":\"\u00ff\"}"
            .getBytes(StandardCharsets.ISO_8859_1);
    Decoded<Fix> d = decoder.decode("C1", payload, "s", NOW);
    assertThat(d.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo(ReasonCodes.INVALID_UTF8);
              assertThat(p.bytes()).isEqualTo(payload);
            });
  }
}
