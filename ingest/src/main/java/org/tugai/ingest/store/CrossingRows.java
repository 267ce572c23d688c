package org.tugai.ingest.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;
import java.util.Locale;
import org.tugai.avro.Crossing;

/** Upserts crossings on their id; a replayed older revision never overwrites a newer one. */
public final class CrossingRows {

  private static final String UPSERT = """
      INSERT INTO crossings (crossing_id, animal_id, collar_id, deployment_id, from_country, to_country, crossed_at,
                             before_fix_time, before_lat, before_lon, after_fix_time, after_lat, after_lon,
                             crossing_lat, crossing_lon, hotspot, population, status, revision, detected_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (crossing_id) DO UPDATE SET
        animal_id = EXCLUDED.animal_id, collar_id = EXCLUDED.collar_id, deployment_id = EXCLUDED.deployment_id,
        from_country = EXCLUDED.from_country, to_country = EXCLUDED.to_country, crossed_at = EXCLUDED.crossed_at,
        before_fix_time = EXCLUDED.before_fix_time, before_lat = EXCLUDED.before_lat, before_lon = EXCLUDED.before_lon,
        after_fix_time = EXCLUDED.after_fix_time, after_lat = EXCLUDED.after_lat, after_lon = EXCLUDED.after_lon,
        crossing_lat = EXCLUDED.crossing_lat, crossing_lon = EXCLUDED.crossing_lon, hotspot = EXCLUDED.hotspot,
        population = EXCLUDED.population, status = EXCLUDED.status, revision = EXCLUDED.revision,
        detected_at = EXCLUDED.detected_at, stored_at = now()
      WHERE crossings.revision <= EXCLUDED.revision
      """;

  private CrossingRows() {}

  public static void upsert(Connection c, Collection<Crossing> crossings) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
      for (Crossing x : crossings) {
        int i = 1;
        ps.setString(i++, x.getCrossingId());
        ps.setString(i++, x.getAnimalId());
        ps.setString(i++, x.getCollarId());
        ps.setString(i++, x.getDeploymentId());
        ps.setString(i++, x.getFromCountry());
        ps.setString(i++, x.getToCountry());
        ps.setTimestamp(i++, FixRows.ts(x.getCrossedAt()));
        ps.setTimestamp(i++, FixRows.ts(x.getBeforeFixTime()));
        ps.setDouble(i++, x.getBeforeLat());
        ps.setDouble(i++, x.getBeforeLon());
        ps.setTimestamp(i++, FixRows.ts(x.getAfterFixTime()));
        ps.setDouble(i++, x.getAfterLat());
        ps.setDouble(i++, x.getAfterLon());
        if (x.getCrossingLat() == null) {
          ps.setNull(i++, Types.DOUBLE);
          ps.setNull(i++, Types.DOUBLE);
        } else {
          ps.setDouble(i++, x.getCrossingLat());
          ps.setDouble(i++, x.getCrossingLon());
        }
        ps.setString(i++, x.getHotspot());
        ps.setString(i++, x.getPopulation());
        ps.setString(i++, x.getStatus().name().toLowerCase(Locale.ROOT));
        ps.setInt(i++, x.getRevision());
        ps.setTimestamp(i, FixRows.ts(x.getDetectedAt()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
