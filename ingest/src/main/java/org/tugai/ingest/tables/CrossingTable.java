package org.tugai.ingest.tables;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tugai.avro.Crossing;
import org.tugai.ingest.sink.SinkRecord;
import org.tugai.ingest.sink.Staging;
import org.tugai.ingest.sink.Table;

/**
 * {@code crossings} keyed by crossing id; a replayed older revision never overwrites a newer one.
 */
public final class CrossingTable implements Table<Crossing> {

  private static final String[] COLUMNS = {
    "crossing_id",
    "animal_id",
    "collar_id",
    "deployment_id",
    "from_country",
    "to_country",
    "crossed_at",
    "before_fix_time",
    "before_lat",
    "before_lon",
    "after_fix_time",
    "after_lat",
    "after_lon",
    "crossing_lat",
    "crossing_lon",
    "hotspot",
    "population",
    "status",
    "revision",
    "detected_at"
  };
  private static final String LIST = Columns.list(COLUMNS);
  private static final String MERGE =
      "INSERT INTO crossings ("
          + LIST
          + ") SELECT "
          + LIST
          + " FROM tugai_stage_crossings"
          + " ON CONFLICT (crossing_id) DO UPDATE SET "
          + Columns.updateAll(COLUMNS, Set.of("crossing_id"))
          + ", stored_at = now() WHERE crossings.revision <= EXCLUDED.revision";

  @Override
  public String name() {
    return "crossings";
  }

  @Override
  public Object naturalKey(SinkRecord<Crossing> r) {
    return r.value().getCrossingId();
  }

  @Override
  public SinkRecord<Crossing> pick(SinkRecord<Crossing> earlier, SinkRecord<Crossing> later) {
    return later.value().getRevision() >= earlier.value().getRevision() ? later : earlier;
  }

  @Override
  public void write(Connection c, List<SinkRecord<Crossing>> records) throws SQLException {
    Staging.copy(
        c,
        "tugai_stage_crossings",
        "crossings",
        LIST,
        rows -> {
          for (SinkRecord<Crossing> r : records) {
            Crossing x = r.value();
            rows.text(x.getCrossingId())
                .text(x.getAnimalId())
                .text(x.getCollarId())
                .text(x.getDeploymentId())
                .text(x.getFromCountry())
                .text(x.getToCountry())
                .time(x.getCrossedAt())
                .time(x.getBeforeFixTime())
                .number(x.getBeforeLat())
                .number(x.getBeforeLon())
                .time(x.getAfterFixTime())
                .number(x.getAfterLat())
                .number(x.getAfterLon())
                .number(x.getCrossingLat())
                .number(x.getCrossingLon())
                .text(x.getHotspot())
                .text(x.getPopulation())
                .text(x.getStatus().name().toLowerCase(Locale.ROOT))
                .integer(x.getRevision())
                .time(x.getDetectedAt());
            rows.endRow();
          }
        });
    Staging.merge(c, MERGE);
  }
}
