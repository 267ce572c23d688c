package org.tugai.api.query;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;

/** {@code GET /api/v1/cameras}: camera-trap deployments with their place and their latest event. */
public final class CamerasEndpoint {

  private static final JsonFactory JSON = new JsonFactory();
  private static final String QUERY =
      """
      SELECT d.deployment_id, d.device_id AS camera_id, d.site_id, d.lat, d.lon, d.deploy_on, d.deploy_off,
             (SELECT max(captured_at) FROM camera_events e WHERE e.camera_id = d.device_id) AS last_event,
             (SELECT count(*) FROM camera_events e WHERE e.camera_id = d.device_id) AS events
        FROM deployments d
       WHERE d.device_type = 'camera' AND NOT d.retracted
       ORDER BY d.device_id, d.deploy_on""";

  private final DataSource dataSource;

  public CamerasEndpoint(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void handle(Context ctx) throws Exception {
    ctx.contentType("application/json");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(QUERY);
        ResultSet rs = ps.executeQuery();
        JsonGenerator json = JSON.createGenerator(ctx.outputStream(), JsonEncoding.UTF8)) {
      json.writeStartArray();
      while (rs.next()) {
        Rows.write(rs, json);
      }
      json.writeEndArray();
      c.rollback();
    }
  }
}
