package org.tugai.app.replay;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.tugai.schemas.text.StorableText;

/**
 * Rows of a Movebank CSV export (the "Download data" CSV of a study: {@code timestamp}, {@code
 * location-long}, {@code location-lat}, {@code tag-local-identifier}, {@code gps:hdop}, {@code
 * gps:satellite-count}, the Argos attributes ({@code argos:lc}, {@code argos:error-radius}, {@code
 * argos:semi-major}, {@code argos:semi-minor}, {@code argos:orientation}), {@code
 * gps:fix-type-raw}, {@code activity-count}, {@code mortality-status}, {@code
 * height-above-ellipsoid}, {@code external-temperature}, {@code tag-voltage}, ...) as Tugai collar
 * fixes. A row without coordinates is a failed fix (the collar tried and got no position): it stays
 * a fix, without a position, as the field's convention is. A row that cannot be a fix at all is
 * skipped with the reason.
 */
public final class MovebankCsv implements Iterator<MovebankCsv.Row>, AutoCloseable {

  /** One row's outcome: a fix to publish, or a reason to skip it. */
  public sealed interface Row permits Fix, Skipped {
    long line();
  }

  /** A fix as the collar would send it; {@code failed} when it has no position. */
  public record Fix(long line, String collarId, Instant fixTime, boolean failed, String json)
      implements Row {}

  public record Skipped(long line, String reason) implements Row {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MOVEBANK_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS][.SS][.S]");

  private final MappingIterator<Map<String, String>> rows;
  private long line = 1;

  private MovebankCsv(MappingIterator<Map<String, String>> rows) {
    this.rows = rows;
  }

  public static MovebankCsv read(Reader in) throws IOException {
    MappingIterator<Map<String, String>> rows =
        new CsvMapper()
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(in);
    return new MovebankCsv(rows);
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    line++;
    Map<String, String> row;
    try {
      row = rows.next();
    } catch (RuntimeException e) {
      return new Skipped(
          line,
          StorableText.escape("not a CSV row: " + e.getMessage().lines().findFirst().orElse("")));
    }
    try {
      return fix(line, row);
    } catch (IllegalArgumentException e) {
      return new Skipped(line, StorableText.escape(e.getMessage()));
    }
  }

  static Fix fix(long line, Map<String, String> row) {
    // A NUL or control character anywhere means a damaged export: the whole row is refused, not
    // half of it used.
    for (Map.Entry<String, String> cell : row.entrySet()) {
      Optional<String> problem = StorableText.problemInText(cell.getKey(), cell.getValue(), 10_000);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(problem.get());
      }
    }
    String collar = text(row, "tag-local-identifier");
    if (collar == null) {
      throw new IllegalArgumentException("no tag-local-identifier");
    }
    String time = text(row, "timestamp");
    if (time == null) {
      throw new IllegalArgumentException("no timestamp");
    }
    Instant fixTime;
    try {
      fixTime = LocalDateTime.parse(time, MOVEBANK_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("timestamp '" + time + "' is not yyyy-MM-dd HH:mm:ss.SSS");
    }
    Double lon = number(row, "location-long");
    Double lat = number(row, "location-lat");
    if ((lat == null) != (lon == null)) {
      throw new IllegalArgumentException("only one of location-lat and location-long is given");
    }
    if (lat != null && (lat < -90 || lat > 90 || lon < -180 || lon > 180)) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "location %s, %s is outside the globe", lat, lon));
    }
    ObjectNode fix = JSON.createObjectNode();
    fix.put("collarId", collar);
    fix.put("fixTime", fixTime.toString());
    boolean failed = lat == null;
    if (failed) {
      fix.put("fixType", "none");
    } else {
      fix.put("lat", lat);
      fix.put("lon", lon);
      Double satellites = number(row, "gps:satellite-count");
      String locationClass = text(row, "argos:lc");
      if (locationClass != null) {
        // A Doppler position has no GPS solution type: its quality is the class and the error
        // estimates.
        fix.put("locationClass", locationClass);
        put(fix, "errorRadiusM", number(row, "argos:error-radius"));
        put(fix, "errorSemiMajorM", number(row, "argos:semi-major"));
        put(fix, "errorSemiMinorM", number(row, "argos:semi-minor"));
        put(fix, "errorEllipseOrientationDeg", number(row, "argos:orientation"));
      } else {
        // Tugai's own exports say the fix type; a study's export without it is judged by the
        // satellites.
        String rawType = text(row, "gps:fix-type-raw");
        String type =
            rawType == null
                ? null
                : switch (rawType.trim().toUpperCase(Locale.ROOT)) {
                  case "3D" -> "3D";
                  case "2D" -> "2D";
                  default -> null;
                };
        if (type != null) {
          fix.put("fixType", type);
        } else if (rawType == null || !rawType.equalsIgnoreCase("unknown")) {
          fix.put("fixType", satellites != null && satellites < 4 ? "2D" : "3D");
        }
      }
      put(fix, "altitudeM", number(row, "height-above-ellipsoid"));
      put(fix, "hdop", number(row, "gps:hdop"));
      if (satellites != null) {
        fix.put("satellites", satellites.intValue());
      }
    }
    put(fix, "temperatureC", number(row, "external-temperature"));
    Double voltage = number(row, "tag-voltage");
    if (voltage == null) {
      voltage = number(row, "eobs:battery-voltage");
    }
    // Movebank gives tag voltage in millivolts; some studies put volts in the column.
    put(fix, "batteryV", voltage == null ? null : voltage > 100 ? voltage / 1000 : voltage);
    Double activity = number(row, "activity-count");
    if (activity != null) {
      fix.put("activity", activity.longValue());
    }
    String mortality = text(row, "mortality-status");
    if (mortality != null) {
      fix.put(
          "mortality", !mortality.toLowerCase(Locale.ROOT).matches("0|false|alive|no|none|normal"));
    }
    return new Fix(line, collar, fixTime, failed, fix.toString());
  }

  private static void put(ObjectNode fix, String field, Double value) {
    if (value != null) {
      fix.put(field, value);
    }
  }

  /** A cell's text, refused (the row skipped with the reason) when the store could not hold it. */
  private static String text(Map<String, String> row, String column) {
    String v = row.get(column);
    Optional<String> problem = StorableText.problemInName(column, v, 500);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static Double number(Map<String, String> row, String column) {
    String v = text(row, column);
    if (v == null || v.equalsIgnoreCase("NA") || v.equalsIgnoreCase("NaN")) {
      return null;
    }
    try {
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(column + " '" + v + "' is not a finite number");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " '" + v + "' is not a number");
    }
  }

  @Override
  public void close() throws IOException {
    rows.close();
  }
}
