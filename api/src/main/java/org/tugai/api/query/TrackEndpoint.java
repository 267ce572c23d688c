package org.tugai.api.query;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.tugai.api.auth.AccessControl;
import org.tugai.api.auth.Caller;
import org.tugai.core.store.GoodFixes;

/**
 * {@code GET /api/v1/animals/{id}/track?from&to&format=geojson|movebank-csv}. Rows stream from a
 * database cursor straight into the response, so a multi-year track never sits in memory; only the
 * good fixes' coordinates are kept (16 bytes each) for the closing LineString.
 */
public final class TrackEndpoint {

  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter MOVEBANK_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final String QUERY =
      """
      SELECT collar_id, fix_time, lat, lon, altitude_m, hdop, satellites, fix_type, temperature_c, battery_v,
             quality_flags, country, zones, location_class, error_radius_m, error_semi_major_m, error_semi_minor_m,
             error_ellipse_orientation_deg, mortality, activity
        FROM fixes WHERE animal_id = ? AND fix_time >= ? AND fix_time < ? ORDER BY fix_time""";
  static final String MOVEBANK_HEADER =
      "event-id,visible,timestamp,location-long,location-lat,height-above-ellipsoid,gps:hdop,"
          + "gps:satellite-count,external-temperature,tag-voltage,algorithm-marked-outlier,sensor-type,individual-taxon-canonical-name,"
          + "tag-local-identifier,individual-local-identifier,tugai:quality-flags,tugai:coarsened,argos:lc,argos:error-radius,argos:semi-major,"
          + "argos:semi-minor,argos:orientation,mortality-status,activity-count,gps:fix-type-raw,study-name";

  private final DataSource dataSource;
  private final Precision precision;
  private final String studyName;

  public TrackEndpoint(DataSource dataSource, Precision precision, String studyName) {
    this.dataSource = dataSource;
    this.precision = precision;
    this.studyName = studyName;
  }

  public void handle(Context ctx) throws Exception {
    Caller caller = AccessControl.caller(ctx);
    String animal = ctx.pathParam("id");
    Instant to = Params.instant(ctx, "to", Instant.now());
    Instant from = Params.instant(ctx, "from", to.minus(java.time.Duration.ofDays(30)));
    Params.range(from, to);
    String format = ctx.queryParamAsClass("format", String.class).getOrDefault("geojson");
    if (!format.equals("geojson") && !format.equals("movebank-csv")) {
      throw new BadRequestResponse(
          "'format' must be geojson or movebank-csv, not '" + format + "'");
    }
    Instant preciseBefore = precision.preciseBefore(caller, Instant.now());
    try (Connection c = dataSource.getConnection()) {
      String species = speciesOf(c, animal);
      try (PreparedStatement ps = c.prepareStatement(QUERY)) {
        // A cursor: PostgreSQL sends the rows in slices instead of all at once.
        ps.setFetchSize(4_000);
        ps.setString(1, animal);
        ps.setTimestamp(2, Timestamp.from(from));
        ps.setTimestamp(3, Timestamp.from(to));
        try (ResultSet rs = ps.executeQuery()) {
          if (format.equals("geojson")) {
            ctx.contentType("application/geo+json");
            geoJson(rs, ctx.outputStream(), animal, from, to, preciseBefore);
          } else {
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header(
                "Content-Disposition",
                "attachment; filename=\""
                    + animal.replaceAll("[^A-Za-z0-9._-]", "_")
                    + "-track.csv\"");
            movebank(rs, ctx.outputStream(), animal, species, preciseBefore);
          }
        }
      } finally {
        c.rollback();
      }
    }
  }

  private static String speciesOf(Connection c, String animal) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT species FROM deployments WHERE animal_id = ? ORDER BY deploy_on DESC LIMIT 1")) {
      ps.setString(1, animal);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NotFoundResponse("no animal '" + animal + "' in the deployments");
        }
        return rs.getString("species");
      }
    }
  }

  private void geoJson(
      ResultSet rs,
      OutputStream out,
      String animal,
      Instant from,
      Instant to,
      Instant preciseBefore)
      throws SQLException, IOException {
    double[] line = new double[4_096];
    int points = 0;
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("type", "FeatureCollection");
      // RFC 7946 §7.1: a FeatureCollection has no "properties"; what describes the whole track is a
      // foreign member.
      json.writeObjectFieldStart("metadata");
      json.writeStringField("animalId", animal);
      json.writeStringField("from", from.toString());
      json.writeStringField("to", to.toString());
      json.writeStringField("preciseBefore", preciseBefore.toString());
      json.writeEndObject();
      json.writeArrayFieldStart("features");
      while (rs.next()) {
        Instant time = rs.getTimestamp("fix_time").toInstant();
        double lat = rs.getDouble("lat");
        boolean hasPosition = !rs.wasNull();
        double lon = rs.getDouble("lon");
        String[] flags = (String[]) rs.getArray("quality_flags").getArray();
        boolean coarsened = hasPosition && !time.isBefore(preciseBefore);
        if (coarsened) {
          lat = precision.coarsen(lat);
          lon = precision.coarsen(lon);
        }
        boolean good = hasPosition && Arrays.stream(flags).noneMatch(GoodFixes.BAD_FLAGS::contains);
        json.writeStartObject();
        json.writeStringField("type", "Feature");
        if (hasPosition) {
          json.writeObjectFieldStart("geometry");
          json.writeStringField("type", "Point");
          json.writeArrayFieldStart("coordinates");
          json.writeNumber(position(lon));
          json.writeNumber(position(lat));
          json.writeEndArray();
          json.writeEndObject();
        } else {
          json.writeNullField("geometry");
        }
        json.writeObjectFieldStart("properties");
        json.writeStringField("collarId", rs.getString("collar_id"));
        json.writeStringField("fixTime", time.toString());
        number(json, "altitudeM", rs, 5);
        number(json, "hdop", rs, 6);
        number(json, "satellites", rs, 7);
        json.writeStringField("fixType", rs.getString("fix_type"));
        number(json, "temperatureC", rs, 9);
        number(json, "batteryV", rs, 10);
        String locationClass = rs.getString("location_class");
        if (locationClass != null) {
          json.writeStringField("locationClass", locationClass);
        }
        number(json, "errorRadiusM", rs, 15);
        json.writeArrayFieldStart("qualityFlags");
        for (String f : flags) {
          json.writeString(f);
        }
        json.writeEndArray();
        json.writeBooleanField("good", good);
        json.writeBooleanField("coarsened", coarsened);
        String country = rs.getString("country");
        if (country != null) {
          json.writeStringField("country", country);
        }
        json.writeEndObject();
        json.writeEndObject();
        if (good) {
          if (2 * points + 2 > line.length) {
            line = Arrays.copyOf(line, line.length * 2);
          }
          line[2 * points] = lon;
          line[2 * points + 1] = lat;
          points++;
        }
      }
      json.writeStartObject();
      json.writeStringField("type", "Feature");
      json.writeObjectFieldStart("geometry");
      json.writeStringField("type", "LineString");
      json.writeArrayFieldStart("coordinates");
      for (int i = 0; i < points; i++) {
        json.writeStartArray();
        json.writeNumber(position(line[2 * i]));
        json.writeNumber(position(line[2 * i + 1]));
        json.writeEndArray();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeObjectFieldStart("properties");
      json.writeStringField("kind", "track");
      json.writeStringField("animalId", animal);
      json.writeNumberField("goodFixes", points);
      json.writeEndObject();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  /**
   * Track coordinates at 7 decimals (about 1 cm, finer than any GPS fix; RFC 7946 §11.2 asks for no
   * false precision).
   */
  static double position(double degrees) {
    return Math.round(degrees * 1e7) / 1e7;
  }

  private static void number(JsonGenerator json, String field, ResultSet rs, int column)
      throws SQLException, IOException {
    double v = rs.getDouble(column);
    if (rs.wasNull()) {
      // Absent measurements are left out rather than written as null: a year of points is sent at
      // once.
      return;
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      json.writeNumberField(field, (long) v);
    } else {
      json.writeNumberField(field, v);
    }
  }

  private void movebank(
      ResultSet rs, OutputStream out, String animal, String species, Instant preciseBefore)
      throws SQLException, IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    w.write(MOVEBANK_HEADER);
    w.write("\r\n");
    while (rs.next()) {
      String collar = rs.getString("collar_id");
      Instant time = rs.getTimestamp("fix_time").toInstant();
      double lat = rs.getDouble("lat");
      boolean hasPosition = !rs.wasNull();
      double lon = rs.getDouble("lon");
      List<String> flags = List.of((String[]) rs.getArray("quality_flags").getArray());
      boolean outlier = flags.stream().anyMatch(GoodFixes.BAD_FLAGS::contains);
      boolean coarsened = hasPosition && !time.isBefore(preciseBefore);
      if (coarsened) {
        lat = precision.coarsen(lat);
        lon = precision.coarsen(lon);
      }
      Double voltage = nullable(rs, "battery_v");
      String locationClass = rs.getString("location_class");
      // A Doppler position is Movebank's argos-doppler-shift sensor; G is a GPS position that Argos
      // only relayed.
      String sensor =
          locationClass == null || locationClass.equals("G") ? "gps" : "argos-doppler-shift";
      Csv.row(
          w,
          Long.toString(eventId(collar, time)),
          Boolean.toString(!outlier),
          MOVEBANK_TIME.format(time),
          hasPosition ? Double.toString(lon) : "",
          hasPosition ? Double.toString(lat) : "",
          text(nullable(rs, "altitude_m")),
          text(nullable(rs, "hdop")),
          text(nullable(rs, "satellites") == null ? null : nullable(rs, "satellites").intValue()),
          text(nullable(rs, "temperature_c")),
          voltage == null ? "" : Long.toString(Math.round(voltage * 1000)),
          Boolean.toString(outlier),
          sensor,
          species == null ? "" : species,
          collar,
          animal,
          String.join("|", flags),
          Boolean.toString(coarsened),
          text(locationClass),
          text(nullable(rs, "error_radius_m")),
          text(nullable(rs, "error_semi_major_m")),
          text(nullable(rs, "error_semi_minor_m")),
          text(nullable(rs, "error_ellipse_orientation_deg")),
          mortality(rs),
          text(nullable(rs, "activity") == null ? null : nullable(rs, "activity").longValue()),
          rs.getString("fix_type"),
          studyName);
    }
    w.flush();
  }

  /**
   * Movebank's event-id is a number: a stable hash of the natural key, the same in every export,
   * held to 53 bits so that R's {@code read.csv} and pandas, which read it as a double, read it
   * exactly.
   */
  static long eventId(String collar, Instant time) {
    long h = 1125899906842597L;
    for (char ch : (collar + "@" + time.toEpochMilli()).toCharArray()) {
      h = 31 * h + ch;
    }
    return h & ((1L << 53) - 1);
  }

  /**
   * The collar's mortality sensor as Movebank's mortality-status; empty where the collar has none.
   */
  private static String mortality(ResultSet rs) throws SQLException {
    boolean dead = rs.getBoolean("mortality");
    return rs.wasNull() ? "" : dead ? "mortality" : "normal";
  }

  private static Double nullable(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private static String text(Object v) {
    return v == null ? "" : v.toString();
  }
}
