package org.tugai.ingest.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import org.tugai.avro.Fix;

/** Writes fixes idempotently on {@code (collar_id, fix_time)}: a replayed or revised fix replaces its row. */
public final class FixRows {

  private static final String UPSERT = """
      INSERT INTO fixes (collar_id, fix_time, lat, lon, altitude_m, hdop, pdop, satellites, fix_type, temperature_c,
                         battery_v, mortality, activity, device_time, received_at, source, deployment_id, animal_id,
                         country, zones, quality_flags, rssi_dbm, snr_db, radio_gateways)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (collar_id, fix_time) DO UPDATE SET
        lat = EXCLUDED.lat, lon = EXCLUDED.lon, altitude_m = EXCLUDED.altitude_m, hdop = EXCLUDED.hdop,
        pdop = EXCLUDED.pdop, satellites = EXCLUDED.satellites, fix_type = EXCLUDED.fix_type,
        temperature_c = EXCLUDED.temperature_c, battery_v = EXCLUDED.battery_v, mortality = EXCLUDED.mortality,
        activity = EXCLUDED.activity, device_time = EXCLUDED.device_time, received_at = LEAST(fixes.received_at, EXCLUDED.received_at),
        source = EXCLUDED.source, deployment_id = EXCLUDED.deployment_id, animal_id = EXCLUDED.animal_id,
        country = EXCLUDED.country, zones = EXCLUDED.zones, quality_flags = EXCLUDED.quality_flags,
        rssi_dbm = EXCLUDED.rssi_dbm, snr_db = EXCLUDED.snr_db, radio_gateways = EXCLUDED.radio_gateways, stored_at = now()
      """;

  private FixRows() {}

  /** Upserts the fixes (distinct natural keys) in the caller's transaction. */
  public static void upsert(Connection c, Collection<Fix> fixes) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
      for (Fix f : fixes) {
        int i = 1;
        ps.setString(i++, f.getCollarId());
        ps.setTimestamp(i++, ts(f.getFixTime()));
        setDouble(ps, i++, f.getLat());
        setDouble(ps, i++, f.getLon());
        setDouble(ps, i++, f.getAltitudeM());
        setDouble(ps, i++, f.getHdop());
        setDouble(ps, i++, f.getPdop());
        setInt(ps, i++, f.getSatellites());
        ps.setString(i++, fixType(f));
        setDouble(ps, i++, f.getTemperatureC());
        setDouble(ps, i++, f.getBatteryV());
        if (f.getMortality() == null) {
          ps.setNull(i++, Types.BOOLEAN);
        } else {
          ps.setBoolean(i++, f.getMortality());
        }
        setInt(ps, i++, f.getActivity());
        ps.setTimestamp(i++, f.getDeviceTime() == null ? null : ts(f.getDeviceTime()));
        ps.setTimestamp(i++, ts(f.getReceivedAt()));
        ps.setString(i++, f.getSource());
        ps.setString(i++, f.getDeploymentId());
        ps.setString(i++, f.getAnimalId());
        ps.setString(i++, f.getCountry());
        ps.setArray(i++, c.createArrayOf("text", f.getZones().toArray()));
        ps.setArray(i++, c.createArrayOf("text", f.getQualityFlags().toArray()));
        setDouble(ps, i++, f.getRssiDbm());
        setDouble(ps, i++, f.getSnrDb());
        ps.setArray(i, c.createArrayOf("text", f.getRadioGateways().toArray()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The words scientists see in {@code fixes.fix_type}. */
  static String fixType(Fix f) {
    return switch (f.getFixType()) {
      case THREE_D -> "3D";
      case TWO_D -> "2D";
      case NONE -> "none";
      case UNKNOWN -> "unknown";
    };
  }

  static Timestamp ts(Instant instant) {
    return Timestamp.from(instant);
  }

  private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }
}
