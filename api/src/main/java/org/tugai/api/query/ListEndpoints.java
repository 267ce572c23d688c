package org.tugai.api.query;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.tugai.api.auth.AccessControl;
import org.tugai.api.auth.Caller;
import org.tugai.api.auth.Role;
import org.tugai.avro.AlertType;

/**
 * The filtered lists: crossings, detections, alerts. Each filter is a bound parameter; each list is
 * capped by {@code limit}.
 */
public final class ListEndpoints {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> ALERT_STATUS = Set.of("open", "acknowledged", "resolved");
  private static final Set<String> CROSSING_STATUS = Set.of("confirmed", "retracted", "all");
  private static final Set<String> ALERT_TYPES =
      Arrays.stream(AlertType.values())
          .map(t -> t.name().toLowerCase(Locale.ROOT))
          .collect(Collectors.toUnmodifiableSet());
  private static final Set<String> CATEGORIES = Set.of("animal", "person", "vehicle", "unknown");

  private final DataSource dataSource;
  private final Precision precision;

  public ListEndpoints(DataSource dataSource, Precision precision) {
    this.dataSource = dataSource;
    this.precision = precision;
  }

  /**
   * {@code GET /api/v1/crossings?from&to&country&population&hotspot&status}; positions coarsened
   * for scientists within the embargo.
   */
  public void crossings(Context ctx) throws Exception {
    Caller caller = AccessControl.caller(ctx);
    Instant to = Params.instant(ctx, "to", Instant.now().plusSeconds(86_400));
    Instant from = Params.instant(ctx, "from", Instant.EPOCH);
    Params.range(from, to);
    Instant preciseBefore = precision.preciseBefore(caller, Instant.now());
    String status = Params.choice(ctx, "status", CROSSING_STATUS);
    Query q =
        new Query(
            "SELECT crossing_id, animal_id, collar_id, deployment_id, from_country, to_country, crossed_at, "
                // Each position by the time of the fix it comes from: the crossing point lies
                // between both fixes, so it is as recent as the later one.
                + coarse("crossing_lat", "after_fix_time", preciseBefore)
                + " AS crossing_lat, "
                + coarse("crossing_lon", "after_fix_time", preciseBefore)
                + " AS crossing_lon, "
                + coarse("before_lat", "before_fix_time", preciseBefore)
                + " AS before_lat, "
                + coarse("before_lon", "before_fix_time", preciseBefore)
                + " AS before_lon, "
                + coarse("after_lat", "after_fix_time", preciseBefore)
                + " AS after_lat, "
                + coarse("after_lon", "after_fix_time", preciseBefore)
                + " AS after_lon, "
                + "hotspot, population, status, revision, detected_at, after_fix_time < ? AS precise FROM crossings WHERE crossed_at >= ? AND crossed_at < ?");
    q.args.add(Timestamp.from(preciseBefore));
    q.args.add(Timestamp.from(from));
    q.args.add(Timestamp.from(to));
    String country = Params.text(ctx, "country");
    if (country != null && !country.matches("[A-Za-z]{3}")) {
      throw new BadRequestResponse(
          "'country' must be an ISO 3166-1 alpha-3 code such as TJK, not '" + country + "'");
    }
    if (country != null) {
      q.and(
          "(from_country = ? OR to_country = ?)",
          country.toUpperCase(Locale.ROOT),
          country.toUpperCase(Locale.ROOT));
    }
    q.andIf("population = ?", Params.text(ctx, "population"));
    q.andIf("hotspot = ?", Params.text(ctx, "hotspot"));
    if (!"all".equals(status)) {
      q.and("status = ?", status == null ? "confirmed" : status);
    }
    q.sql.append(" ORDER BY crossed_at");
    q.run(ctx);
  }

  /** {@code GET /api/v1/detections?camera&class&species&from&to}. */
  public void detections(Context ctx) throws Exception {
    Instant to = Params.instant(ctx, "to", Instant.now().plusSeconds(86_400));
    Instant from = Params.instant(ctx, "from", Instant.EPOCH);
    Params.range(from, to);
    Query q =
        new Query(
            "SELECT d.camera_id, d.event_id, d.detection_index, d.captured_at, d.category AS class, d.species, d.confidence,"
                + " d.count, d.bbox_x, d.bbox_y, d.bbox_w, d.bbox_h, e.media, e.model FROM detections d"
                + " JOIN camera_events e ON e.camera_id = d.camera_id AND e.event_id = d.event_id WHERE d.captured_at >= ? AND d.captured_at < ?");
    q.args.add(Timestamp.from(from));
    q.args.add(Timestamp.from(to));
    q.andIf("d.camera_id = ?", Params.text(ctx, "camera"));
    String category = Params.text(ctx, "class");
    if (category != null && !CATEGORIES.contains(category)) {
      throw new BadRequestResponse(
          "'class' must be one of " + CATEGORIES + ", not '" + category + "'");
    }
    q.andIf("d.category = ?", category);
    q.andIf("d.species = ?", Params.text(ctx, "species"));
    q.sql.append(" ORDER BY d.captured_at, d.camera_id, d.event_id, d.detection_index");
    q.run(ctx);
  }

  /**
   * {@code GET /api/v1/alerts?status&zone&type&updatedSince}; a ranger sees only alerts in their
   * zones.
   */
  public void alerts(Context ctx) throws Exception {
    Caller caller = AccessControl.caller(ctx);
    Query q =
        new Query(
            "SELECT alert_id, type, severity, status, title, first_seen, last_seen, lat, lon, zones, animal_id, device_id,"
                + " evidence, media, channels, links, details, acknowledged_by, acknowledged_at, acknowledged_via, note, updated_at FROM alerts"
                + " WHERE true");
    String status = Params.text(ctx, "status");
    if (status != null && !ALERT_STATUS.contains(status)) {
      throw new BadRequestResponse(
          "'status' must be one of " + ALERT_STATUS + ", not '" + status + "'");
    }
    q.andIf("status = ?", status);
    String type = Params.text(ctx, "type");
    type = type == null ? null : type.toLowerCase(Locale.ROOT);
    if (type != null && !ALERT_TYPES.contains(type)) {
      throw new BadRequestResponse(
          "'type' must be one of "
              + ALERT_TYPES.stream().sorted().toList()
              + ", not '"
              + type
              + "'");
    }
    q.andIf("type = ?", type);
    String zone = Params.text(ctx, "zone");
    if (zone != null) {
      q.and("(? = ANY(zones) OR ? = ANY(channels))", zone, zone);
    }
    if (caller.role() == Role.RANGER) {
      q.and(
          "(zones && ?::text[] OR channels && ?::text[])",
          caller.zones().toArray(String[]::new),
          caller.zones().toArray(String[]::new));
    }
    Instant updatedSince = Params.instant(ctx, "updatedSince", null);
    if (updatedSince != null) {
      // What a client missed while its link was down: the changes after the newest it has, oldest
      // first, so a capped answer is continued by asking again from its last.
      q.and("updated_at > ?", Timestamp.from(updatedSince));
      q.sql.append(" ORDER BY updated_at, alert_id");
    } else {
      q.sql.append(" ORDER BY last_seen DESC");
    }
    q.run(ctx);
  }

  /**
   * A column as the caller may see it: rounded to the grid where its fix ({@code timeColumn}) is
   * not before {@code preciseBefore}.
   */
  private String coarse(String column, String timeColumn, Instant preciseBefore) {
    String g = Double.toString(precision.gridDeg());
    return "CASE WHEN "
        + timeColumn
        + " < '"
        + preciseBefore
        + "'::timestamptz THEN "
        + column
        + " ELSE (floor("
        + column
        + " / "
        + g
        + ") + 0.5) * "
        + g
        + " END";
  }

  private final class Query {
    final StringBuilder sql;
    final List<Object> args = new ArrayList<>();

    Query(String select) {
      sql = new StringBuilder(select);
    }

    void and(String condition, Object... values) {
      sql.append(" AND ").append(condition);
      args.addAll(List.of(values));
    }

    void andIf(String condition, String value) {
      if (value != null) {
        and(condition, value);
      }
    }

    void run(Context ctx) throws Exception {
      int limit = Params.limit(ctx);
      sql.append(" LIMIT ").append(limit);
      ctx.contentType("application/json");
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          Object a = args.get(i);
          if (a instanceof String[] array) {
            ps.setArray(i + 1, c.createArrayOf("text", array));
          } else {
            ps.setObject(i + 1, a);
          }
        }
        ps.setFetchSize(1_000);
        try (ResultSet rs = ps.executeQuery();
            JsonGenerator json = JSON.createGenerator(ctx.outputStream(), JsonEncoding.UTF8)) {
          json.writeStartArray();
          while (rs.next()) {
            Rows.write(rs, json);
          }
          json.writeEndArray();
        } finally {
          c.rollback();
        }
      }
    }
  }
}
