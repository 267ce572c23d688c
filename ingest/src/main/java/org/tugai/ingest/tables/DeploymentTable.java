package org.tugai.ingest.tables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tugai.avro.Deployment;
import org.tugai.ingest.sink.SinkRecord;
import org.tugai.ingest.sink.Staging;
import org.tugai.ingest.sink.Table;

/**
 * {@code deployments} from the compacted deployments topic: the latest record per deployment id
 * wins; a tombstone marks the row retracted rather than deleting it, so fixes stored under it stay
 * explained.
 */
public final class DeploymentTable implements Table<Deployment> {

  private static final String[] COLUMNS = {
    "deployment_id",
    "device_id",
    "device_type",
    "animal_id",
    "site_id",
    "species",
    "sex",
    "population",
    "deploy_on",
    "deploy_off",
    "lat",
    "lon",
    "expected_interval_s",
    "retracted"
  };
  private static final String LIST = Columns.list(COLUMNS);
  private static final String MERGE =
      "INSERT INTO deployments ("
          + LIST
          + ") SELECT "
          + LIST
          + " FROM tugai_stage_deployments"
          + " ON CONFLICT (deployment_id) DO UPDATE SET "
          + Columns.updateAll(COLUMNS, Set.of("deployment_id"))
          + ", stored_at = now()";
  private static final String RETRACT =
      "UPDATE deployments SET retracted = true, stored_at = now() WHERE deployment_id = ?";

  @Override
  public String name() {
    return "deployments";
  }

  @Override
  public Object naturalKey(SinkRecord<Deployment> r) {
    // A deployment and its tombstone in one batch are both kept: the row must exist to be marked
    // retracted.
    return r.value() == null ? "tombstone:" + r.key() : key(r);
  }

  /** The topic is compacted by record key, which is the deployment id. */
  private static String key(SinkRecord<Deployment> r) {
    return r.key() != null ? r.key() : r.value().getDeploymentId();
  }

  @Override
  public boolean acceptsTombstones() {
    return true;
  }

  @Override
  public void write(Connection c, List<SinkRecord<Deployment>> records) throws SQLException {
    List<SinkRecord<Deployment>> live = records.stream().filter(r -> r.value() != null).toList();
    if (!live.isEmpty()) {
      Staging.copy(
          c,
          "tugai_stage_deployments",
          "deployments",
          LIST,
          rows -> {
            for (SinkRecord<Deployment> r : live) {
              Deployment d = r.value();
              rows.text(d.getDeploymentId())
                  .text(d.getDeviceId())
                  .text(d.getDeviceType().name().toLowerCase(Locale.ROOT))
                  .text(d.getAnimalId())
                  .text(d.getSiteId())
                  .text(d.getSpecies())
                  .text(d.getSex())
                  .text(d.getPopulation())
                  .time(d.getDeployOn())
                  .time(d.getDeployOff())
                  .number(d.getLat())
                  .number(d.getLon())
                  .integer(d.getExpectedIntervalS())
                  .bool(false);
              rows.endRow();
            }
          });
      Staging.merge(c, MERGE);
    }
    Map<String, Long> liveOffsets = new HashMap<>();
    live.forEach(r -> liveOffsets.put(key(r), r.offset()));
    // A tombstone counts only if nothing for its key came after it in this batch.
    List<SinkRecord<Deployment>> tombstones =
        records.stream()
            .filter(
                r ->
                    r.value() == null
                        && r.key() != null
                        && r.offset() > liveOffsets.getOrDefault(r.key(), -1L))
            .toList();
    if (!tombstones.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(RETRACT)) {
        for (SinkRecord<Deployment> r : tombstones) {
          ps.setString(1, r.key());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }
}
