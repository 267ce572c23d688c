package org.tugai.ingest.tables;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.tugai.avro.Fix;
import org.tugai.ingest.sink.CopyRows;
import org.tugai.ingest.sink.SinkRecord;
import org.tugai.ingest.sink.Staging;
import org.tugai.ingest.sink.Table;

/**
 * {@code fixes}, idempotent on {@code (collar_id, fix_time)}: a replayed or revised fix replaces
 * its row.
 */
public final class FixTable implements Table<Fix> {

  static final String[] COLUMNS = {
    "collar_id",
    "fix_time",
    "lat",
    "lon",
    "altitude_m",
    "hdop",
    "pdop",
    "satellites",
    "fix_type",
    "temperature_c",
    "battery_v",
    "mortality",
    "activity",
    "device_time",
    "received_at",
    "source",
    "deployment_id",
    "animal_id",
    "country",
    "zones",
    "quality_flags",
    "rssi_dbm",
    "snr_db",
    "radio_gateways",
    "location_class",
    "error_radius_m",
    "error_semi_major_m",
    "error_semi_minor_m",
    "error_ellipse_orientation_deg"
  };
  private static final String LIST = Columns.list(COLUMNS);
  private static final String MERGE =
      "INSERT INTO fixes ("
          + LIST
          + ") SELECT "
          + LIST
          + " FROM tugai_stage_fixes"
          + " ON CONFLICT (collar_id, fix_time) DO UPDATE SET "
          + Columns.updateAll(COLUMNS, Set.of("collar_id", "fix_time", "received_at"))
          // The first arrival is the honest receive time; a replay must not make a fix look later
          // than it was.
          + ", received_at = LEAST(fixes.received_at, EXCLUDED.received_at), stored_at = now()";

  @Override
  public String name() {
    return "fixes";
  }

  @Override
  public Object naturalKey(SinkRecord<Fix> r) {
    return r.value().getCollarId() + "@" + r.value().getFixTime().toEpochMilli();
  }

  @Override
  public void write(Connection c, List<SinkRecord<Fix>> records) throws SQLException {
    Staging.copy(
        c,
        "tugai_stage_fixes",
        "fixes",
        LIST,
        rows -> {
          for (SinkRecord<Fix> r : records) {
            append(rows, r.value());
          }
        });
    Staging.merge(c, MERGE);
  }

  /** One fix as a row of {@link #COLUMNS}; also what the raw-COPY benchmark sends. */
  public static void append(CopyRows rows, Fix f) throws SQLException {
    rows.text(f.getCollarId())
        .time(f.getFixTime())
        .number(f.getLat())
        .number(f.getLon())
        .number(f.getAltitudeM())
        .number(f.getHdop())
        .number(f.getPdop())
        .integer(f.getSatellites())
        .text(fixType(f))
        .number(f.getTemperatureC())
        .number(f.getBatteryV())
        .bool(f.getMortality())
        .integer(f.getActivity())
        .time(f.getDeviceTime())
        .time(f.getReceivedAt())
        .text(f.getSource())
        .text(f.getDeploymentId())
        .text(f.getAnimalId())
        .text(f.getCountry())
        .array(f.getZones())
        .array(f.getQualityFlags())
        .number(f.getRssiDbm())
        .number(f.getSnrDb())
        .array(f.getRadioGateways())
        .text(f.getLocationClass())
        .number(f.getErrorRadiusM())
        .number(f.getErrorSemiMajorM())
        .number(f.getErrorSemiMinorM())
        .number(f.getErrorEllipseOrientationDeg());
    rows.endRow();
  }

  public static String columns() {
    return LIST;
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
}
