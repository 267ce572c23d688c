package org.tugai.ingest.tables;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import org.tugai.avro.Alert;
import org.tugai.ingest.sink.SinkRecord;
import org.tugai.ingest.sink.Staging;
import org.tugai.ingest.sink.Table;

/**
 * {@code alerts} (the latest update per alert id; an older update replayed never wins) and {@code
 * alert_status_history} (every update once, keyed by alert id and update time).
 */
public final class AlertTable implements Table<Alert> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] COLUMNS = {
    "alert_id",
    "type",
    "severity",
    "status",
    "title",
    "first_seen",
    "last_seen",
    "lat",
    "lon",
    "zones",
    "animal_id",
    "device_id",
    "evidence",
    "media",
    "channels",
    "links",
    "details",
    "acknowledged_by",
    "acknowledged_at",
    "note",
    "updated_at",
    "acknowledged_via"
  };
  private static final String LIST = Columns.list(COLUMNS);
  private static final String HISTORY =
      "alert_id, updated_at, status, severity, last_seen, evidence_count, acknowledged_by, note, "
          + "acknowledged_via";
  private static final String MERGE =
      "INSERT INTO alerts ("
          + LIST
          + ") SELECT "
          + LIST
          + " FROM tugai_stage_alerts"
          + " ON CONFLICT (alert_id) DO UPDATE SET "
          + Columns.updateAll(COLUMNS, Set.of("alert_id"))
          + ", stored_at = now() WHERE alerts.updated_at <= EXCLUDED.updated_at";
  private static final String MERGE_HISTORY =
      "INSERT INTO alert_status_history ("
          + HISTORY
          + ") SELECT "
          + HISTORY
          + " FROM tugai_stage_alert_history ON CONFLICT (alert_id, updated_at) DO NOTHING";

  @Override
  public String name() {
    return "alerts";
  }

  /** Every update is kept in the history, so the key is the update, not the alert. */
  @Override
  public Object naturalKey(SinkRecord<Alert> r) {
    return r.value().getAlertId() + "@" + r.value().getUpdatedAt().toEpochMilli();
  }

  @Override
  public void write(Connection c, List<SinkRecord<Alert>> records) throws SQLException {
    // The current row takes the latest update of each alert in this batch.
    TreeMap<String, Alert> latest = new TreeMap<>();
    for (SinkRecord<Alert> r : records) {
      latest.merge(
          r.value().getAlertId(),
          r.value(),
          (a, b) -> b.getUpdatedAt().isBefore(a.getUpdatedAt()) ? a : b);
    }
    Staging.copy(
        c,
        "tugai_stage_alerts",
        "alerts",
        LIST,
        rows -> {
          for (Alert a : latest.values()) {
            rows.text(a.getAlertId())
                .text(lower(a.getType()))
                .text(lower(a.getSeverity()))
                .text(lower(a.getStatus()))
                .text(a.getTitle())
                .time(a.getFirstSeen())
                .time(a.getLastSeen())
                .number(a.getLat())
                .number(a.getLon())
                .array(a.getZones())
                .text(a.getAnimalId())
                .text(a.getDeviceId())
                .array(a.getEvidence())
                .array(a.getMedia())
                .array(a.getChannels())
                .array(a.getLinks())
                .text(json(a))
                .text(a.getAcknowledgedBy())
                .time(a.getAcknowledgedAt())
                .text(a.getNote())
                .time(a.getUpdatedAt())
                .text(a.getAcknowledgedVia());
            rows.endRow();
          }
        });
    Staging.copy(
        c,
        "tugai_stage_alert_history",
        "alert_status_history",
        HISTORY,
        rows -> {
          for (SinkRecord<Alert> r : records) {
            Alert a = r.value();
            rows.text(a.getAlertId())
                .time(a.getUpdatedAt())
                .text(lower(a.getStatus()))
                .text(lower(a.getSeverity()))
                .time(a.getLastSeen())
                .integer(a.getEvidence().size())
                .text(a.getAcknowledgedBy())
                .text(a.getNote())
                .text(a.getAcknowledgedVia());
            rows.endRow();
          }
        });
    Staging.merge(c, MERGE);
    Staging.merge(c, MERGE_HISTORY);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static String json(Alert a) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(a.getDetails()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serialises", e);
    }
  }
}
