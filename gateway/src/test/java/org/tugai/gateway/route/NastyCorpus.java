package org.tugai.gateway.route;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.tugai.schemas.MqttTopics;

/**
 * Bad input as the field produces it, generated so that every case has its own collar id ({@code
 * prefix + n}) and a known reason code: truncations at every byte, wrong types in every field,
 * values out of range, impossible times, broken UTF-8, oversized payloads, and JSON that parsers
 * disagree on.
 */
final class NastyCorpus {

  record Case(String collar, String description, byte[] payload, String expectedCode) {
    String topic() {
      return MqttTopics.collarFixes(collar);
    }
  }

  private final String prefix;
  private final Instant now;
  private final List<Case> cases = new ArrayList<>();

  /**
   * @param now the gateway's clock: times are generated relative to it
   */
  NastyCorpus(String prefix, Instant now) {
    this.prefix = prefix;
    this.now = now;
    build();
  }

  List<Case> cases() {
    return cases;
  }

  static String goodFix(String collar, String time) {
    return "{\"collarId\":\""
        + collar
        + "\",\"fixTime\":\""
        + time
        + "\",\"lat\":37.312,\"lon\":68.127,\"altitudeM\":391,"
        + "\"hdop\":1.2,\"pdop\":2.1,\"satellites\":7,\"fixType\":\"3D\",\"temperatureC\":14.5,\"batteryV\":3.61,"
        + "\"mortality\":false,\"activity\":42}";
  }

  private String next() {
    return prefix + cases.size();
  }

  private void add(String description, String code, Function<String, byte[]> payload) {
    String collar = next();
    cases.add(new Case(collar, description, payload.apply(collar), code));
  }

  private void addJson(String description, String code, Function<String, String> json) {
    add(description, code, c -> json.apply(c).getBytes(StandardCharsets.UTF_8));
  }

  private static String replace(String json, String field, String rawValue) {
    return json.replaceFirst(
        "\"" + field + "\":(\"[^\"]*\"|[^,}]*)", "\"" + field + "\":" + rawValue);
  }

  private void build() {
    String time = now.minusSeconds(3600).truncatedTo(ChronoUnit.SECONDS).toString();
    // 1. Truncated uploads: every length of a good fix (a satellite modem dropping the rest).
    int length = goodFix(prefix + "000", time).length();
    for (int cut = 0; cut < length - 1; cut++) {
      int at = cut;
      addJson(
          "truncated at " + at,
          "parse-error",
          c -> goodFix(c, time).substring(0, Math.min(at, goodFix(c, time).length() - 1)));
    }
    // 2. Wrong types in every field.
    String[] numeric = {
      "lat",
      "lon",
      "altitudeM",
      "hdop",
      "pdop",
      "satellites",
      "temperatureC",
      "batteryV",
      "activity"
    };
    for (String field : numeric) {
      for (String value : new String[] {"\"12\"", "{}", "[1]", "true"}) {
        addJson(field + " = " + value, "wrong-type", c -> replace(goodFix(c, time), field, value));
      }
    }
    for (String value : new String[] {"1", "{}", "[]", "true"}) {
      addJson(
          "collarId = " + value, "wrong-type", c -> replace(goodFix(c, time), "collarId", value));
      addJson("fixTime = " + value, "wrong-type", c -> replace(goodFix(c, time), "fixTime", value));
      addJson("fixType = " + value, "wrong-type", c -> replace(goodFix(c, time), "fixType", value));
    }
    addJson(
        "mortality = \"yes\"",
        "wrong-type",
        c -> replace(goodFix(c, time), "mortality", "\"yes\""));
    addJson("mortality = 1", "wrong-type", c -> replace(goodFix(c, time), "mortality", "1"));
    addJson("satellites = 3.5", "wrong-type", c -> replace(goodFix(c, time), "satellites", "3.5"));
    // 3. Out of range.
    String[][] ranges = {
      {"lat", "91"},
      {"lat", "-90.0001"},
      {"lat", "1e308"},
      {"lon", "181"},
      {"lon", "-180.5"},
      {"hdop", "-1"},
      {"pdop", "101"},
      {"satellites", "-1"},
      {"satellites", "129"},
      {"batteryV", "-0.1"},
      {"temperatureC", "150"},
      {"altitudeM", "20000"},
      {"activity", "-5"},
      {"satellites", "99999999999"}
    };
    for (String[] r : ranges) {
      addJson(r[0] + " = " + r[1], "out-of-range", c -> replace(goodFix(c, time), r[0], r[1]));
    }
    addJson("fixType 4D", "out-of-range", c -> replace(goodFix(c, time), "fixType", "\"4D\""));
    for (String v : new String[] {"1e999", "-1e999"}) {
      addJson("lat = " + v, "non-finite", c -> replace(goodFix(c, time), "lat", v));
    }
    addJson(
        "null island",
        "null-island",
        c -> replace(replace(goodFix(c, time), "lat", "0"), "lon", "0.0"));
    // 4. Impossible times.
    addJson("the year 2099", "future-time", c -> goodFix(c, "2099-01-01T00:00:00Z"));
    addJson("an hour ahead", "future-time", c -> goodFix(c, now.plusSeconds(3600).toString()));
    addJson("GPS epoch 1980", "too-old", c -> goodFix(c, "1980-01-06T00:00:00Z"));
    addJson("Unix epoch", "too-old", c -> goodFix(c, "1970-01-01T00:00:00Z"));
    for (String t :
        new String[] {
          "2026-13-01T00:00:00Z",
          "2026-02-30T00:00:00Z",
          "yesterday",
          "2026-03-01T04:00:00",
          "2026-03-01",
          ""
        }) {
      addJson(
          "fixTime '" + t + "'", t.isEmpty() ? "missing-field" : "wrong-type", c -> goodFix(c, t));
    }
    // 5. Broken UTF-8 inside otherwise valid JSON.
    byte[][] broken = {
      {(byte) 0xFF},
      {(byte) 0xC3, 0x28},
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0x80}
    };
    for (byte[] bad : broken) {
      add(
          "invalid UTF-8 " + Arrays.toString(bad),
          "invalid-utf8",
          c -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String json = goodFix(c, time);
            int at = json.indexOf("\"3D\"") + 1;
            out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bad);
            out.writeBytes(json.substring(at).getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
          });
    }
    // 6. Oversized.
    add(
        "1 MB of x",
        "payload-too-large",
        c -> "x".repeat(1024 * 1024).getBytes(StandardCharsets.UTF_8));
    add(
        "300 KB fix with a huge note",
        "payload-too-large",
        c ->
            goodFix(c, time)
                .replace("}", ",\"note\":\"" + "n".repeat(300 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    // 7. JSON that some parsers accept and we must not guess at.
    addJson("NaN literal", "parse-error", c -> replace(goodFix(c, time), "lat", "NaN"));
    addJson("Infinity literal", "parse-error", c -> replace(goodFix(c, time), "lat", "Infinity"));
    addJson("hex number", "parse-error", c -> replace(goodFix(c, time), "lat", "0x25"));
    addJson("leading zero", "parse-error", c -> replace(goodFix(c, time), "satellites", "07"));
    addJson("single quotes", "parse-error", c -> goodFix(c, time).replace('"', '\''));
    addJson("comment", "parse-error", c -> goodFix(c, time).replace("{", "{/* collar */"));
    addJson("trailing comma", "parse-error", c -> goodFix(c, time).replace("}", ",}"));
    addJson(
        "duplicate key",
        "parse-error",
        c -> goodFix(c, time).replace("\"lat\":37.312", "\"lat\":37.312,\"lat\":38.0"));
    addJson("two objects", "parse-error", c -> goodFix(c, time) + goodFix(c, time));
    addJson("deep nesting", "parse-error", c -> "[".repeat(10_000) + "]".repeat(10_000));
    addJson("JSON null", "not-an-object", c -> "null");
    addJson("a number", "not-an-object", c -> "42");
    addJson("a string", "not-an-object", c -> "\"fix\"");
    addJson("empty batch", "empty-batch", c -> "[]");
    addJson("whitespace only", "parse-error", c -> "   \n ");
    addJson("NUL bytes", "invalid-utf8", c -> "\u0000\u0000\u0000");
    addJson("XML", "parse-error", c -> "<fix collar=\"" + c + "\"/>");
    // 8. Identity.
    addJson("payload names another collar", "device-mismatch", c -> goodFix("ZZ-OTHER", time));
    addJson(
        "collarId missing",
        "missing-field",
        c -> goodFix(c, time).replace("\"collarId\":\"" + c + "\",", ""));
    addJson("collarId empty", "missing-field", c -> replace(goodFix(c, time), "collarId", "\"\""));
    addJson(
        "collarId with a slash",
        "invalid-id",
        c -> replace(goodFix(c, time), "collarId", "\"a/b\""));
    addJson(
        "collarId 200 characters",
        "invalid-id",
        c -> replace(goodFix(c, time), "collarId", "\"" + "a".repeat(200) + "\""));
    // 9. Inconsistent fixes.
    addJson(
        "lat without lon", "inconsistent", c -> goodFix(c, time).replace(",\"lon\":68.127", ""));
    addJson(
        "failed fix with a position",
        "inconsistent",
        c -> replace(goodFix(c, time), "fixType", "\"none\""));
    addJson(
        "3D fix without position",
        "missing-field",
        c -> goodFix(c, time).replace(",\"lat\":37.312,\"lon\":68.127", ""));
  }
}
