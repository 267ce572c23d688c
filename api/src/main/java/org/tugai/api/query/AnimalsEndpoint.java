package org.tugai.api.query;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.tugai.api.auth.AccessControl;
import org.tugai.api.auth.Caller;
import org.tugai.core.store.GoodFixes;

/**
 * {@code GET /api/v1/animals}: every collared animal with its deployments and its last good
 * position, as precise as the caller may see it (a ranger sees it only inside their zones), and its
 * status from the open alerts about it: {@code mortality}, {@code silent} or {@code active}.
 */
public final class AnimalsEndpoint {

  private static final JsonFactory JSON = new JsonFactory();
  private static final String QUERY =
      """
      SELECT a.animal_id, d.deployment_id, d.device_id, d.species, d.sex, d.population, d.deploy_on, d.deploy_off, d.retracted,
             f.fix_time, f.lat, f.lon, f.battery_v, f.country, f.zones,
             ARRAY(SELECT DISTINCT type FROM alerts WHERE animal_id = a.animal_id AND status <> 'resolved' ORDER BY type) AS open_alerts
        FROM (SELECT DISTINCT animal_id FROM deployments WHERE animal_id IS NOT NULL AND device_type = 'collar') a
        JOIN deployments d ON d.animal_id = a.animal_id AND d.device_type = 'collar'
        LEFT JOIN LATERAL (
             SELECT fix_time, lat, lon, battery_v, country, zones FROM fixes
              WHERE animal_id = a.animal_id AND\s"""
          + GoodFixes.SQL
          + """
              ORDER BY fix_time DESC LIMIT 1) f ON true
       ORDER BY a.animal_id, d.deploy_on""";

  private final DataSource dataSource;
  private final Precision precision;

  public AnimalsEndpoint(DataSource dataSource, Precision precision) {
    this.dataSource = dataSource;
    this.precision = precision;
  }

  public void handle(Context ctx) throws Exception {
    Caller caller = AccessControl.caller(ctx);
    Instant now = Instant.now();
    ctx.contentType("application/json");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(QUERY);
        ResultSet rs = ps.executeQuery();
        JsonGenerator json = JSON.createGenerator(ctx.outputStream(), JsonEncoding.UTF8)) {
      json.writeStartArray();
      String current = null;
      boolean open = false;
      while (rs.next()) {
        String animal = rs.getString("animal_id");
        if (!animal.equals(current)) {
          if (open) {
            json.writeEndArray();
            json.writeEndObject();
          }
          current = animal;
          open = true;
          json.writeStartObject();
          json.writeStringField("animalId", animal);
          json.writeStringField("species", rs.getString("species"));
          json.writeStringField("sex", rs.getString("sex"));
          json.writeStringField("population", rs.getString("population"));
          lastPosition(rs, json, caller, now);
          List<String> openAlerts = List.of((String[]) rs.getArray("open_alerts").getArray());
          json.writeStringField(
              "status",
              openAlerts.contains("mortality")
                  ? "mortality"
                  : openAlerts.contains("silence") ? "silent" : "active");
          json.writeArrayFieldStart("openAlerts");
          for (String type : openAlerts) {
            json.writeString(type);
          }
          json.writeEndArray();
          json.writeArrayFieldStart("deployments");
        }
        json.writeStartObject();
        json.writeStringField("deploymentId", rs.getString("deployment_id"));
        json.writeStringField("collarId", rs.getString("device_id"));
        json.writeStringField("deployOn", rs.getTimestamp("deploy_on").toInstant().toString());
        json.writeStringField(
            "deployOff",
            rs.getTimestamp("deploy_off") == null
                ? null
                : rs.getTimestamp("deploy_off").toInstant().toString());
        json.writeBooleanField("retracted", rs.getBoolean("retracted"));
        json.writeEndObject();
      }
      if (open) {
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      c.rollback();
    }
  }

  private void lastPosition(ResultSet rs, JsonGenerator json, Caller caller, Instant now)
      throws Exception {
    if (rs.getTimestamp("fix_time") == null) {
      json.writeNullField("lastFix");
      return;
    }
    Instant time = rs.getTimestamp("fix_time").toInstant();
    List<String> zones = List.of((String[]) rs.getArray("zones").getArray());
    Precision.Treatment t = precision.treat(caller, time, zones, now);
    json.writeObjectFieldStart("lastFix");
    json.writeStringField("fixTime", time.toString());
    double battery = rs.getDouble("battery_v");
    if (rs.wasNull()) {
      json.writeNullField("batteryV");
    } else {
      json.writeNumberField("batteryV", battery);
    }
    if (t == Precision.Treatment.HIDDEN) {
      json.writeNullField("lat");
      json.writeNullField("lon");
    } else {
      double lat = rs.getDouble("lat");
      double lon = rs.getDouble("lon");
      json.writeNumberField(
          "lat", t == Precision.Treatment.COARSENED ? precision.coarsen(lat) : lat);
      json.writeNumberField(
          "lon", t == Precision.Treatment.COARSENED ? precision.coarsen(lon) : lon);
      json.writeStringField("country", rs.getString("country"));
    }
    json.writeStringField("precision", t.name().toLowerCase(java.util.Locale.ROOT));
    json.writeEndObject();
  }
}
