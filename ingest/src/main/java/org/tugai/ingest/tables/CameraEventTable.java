package org.tugai.ingest.tables;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Detection;
import org.tugai.ingest.sink.SinkRecord;
import org.tugai.ingest.sink.Staging;
import org.tugai.ingest.sink.Table;

/**
 * {@code camera_events} and their {@code detections}, idempotent on {@code (camera_id, event_id)}:
 * a re-sent event replaces its detections as a whole, so a re-run detector never leaves stale boxes
 * behind.
 */
public final class CameraEventTable implements Table<CameraEvent> {

  private static final String[] EVENT_COLUMNS = {
    "camera_id",
    "event_id",
    "captured_at",
    "media",
    "model",
    "detection_count",
    "received_at",
    "source",
    "quality_flags",
    "ended_at"
  };
  private static final String EVENTS = Columns.list(EVENT_COLUMNS);
  private static final String[] DETECTION_COLUMNS = {
    "camera_id",
    "event_id",
    "detection_index",
    "captured_at",
    "category",
    "species",
    "confidence",
    "bbox_x",
    "bbox_y",
    "bbox_w",
    "bbox_h",
    "count",
    "observation_type",
    "media_index",
    "classified_by",
    "classification_method",
    "life_stage",
    "sex",
    "behavior",
    "observation_id"
  };
  private static final String DETECTIONS = Columns.list(DETECTION_COLUMNS);

  private static final String MERGE_EVENTS =
      "INSERT INTO camera_events ("
          + EVENTS
          + ") SELECT "
          + EVENTS
          + " FROM tugai_stage_camera_events ON CONFLICT (camera_id, event_id) DO UPDATE SET "
          + Columns.updateAll(EVENT_COLUMNS, Set.of("camera_id", "event_id", "received_at"))
          + ", received_at = LEAST(camera_events.received_at, EXCLUDED.received_at), stored_at = now()";
  private static final String CLEAR_DETECTIONS =
      "DELETE FROM detections d USING tugai_stage_camera_events s"
          + " WHERE d.camera_id = s.camera_id AND d.event_id = s.event_id";
  private static final String MERGE_DETECTIONS =
      "INSERT INTO detections ("
          + DETECTIONS
          + ") SELECT "
          + DETECTIONS
          + " FROM tugai_stage_detections";

  @Override
  public String name() {
    return "camera_events";
  }

  @Override
  public Object naturalKey(SinkRecord<CameraEvent> r) {
    return r.value().getCameraId() + "/" + r.value().getEventId();
  }

  @Override
  public void write(Connection c, List<SinkRecord<CameraEvent>> records) throws SQLException {
    Staging.copy(
        c,
        "tugai_stage_camera_events",
        "camera_events",
        EVENTS,
        rows -> {
          for (SinkRecord<CameraEvent> r : records) {
            CameraEvent e = r.value();
            rows.text(e.getCameraId())
                .text(e.getEventId())
                .time(e.getCapturedAt())
                .array(e.getMedia())
                .text(e.getModel())
                .integer(e.getDetections().size())
                .time(e.getReceivedAt())
                .text(e.getSource())
                .array(e.getQualityFlags())
                .time(e.getEndedAt());
            rows.endRow();
          }
        });
    Staging.copy(
        c,
        "tugai_stage_detections",
        "detections",
        DETECTIONS,
        rows -> {
          for (SinkRecord<CameraEvent> r : records) {
            CameraEvent e = r.value();
            int index = 0;
            for (Detection d : e.getDetections()) {
              List<Double> box = d.getBbox();
              boolean hasBox = box != null && box.size() == 4;
              rows.text(e.getCameraId())
                  .text(e.getEventId())
                  .integer(index++)
                  .time(e.getCapturedAt())
                  .text(d.getCategory().name().toLowerCase(Locale.ROOT))
                  .text(d.getSpecies())
                  .number(d.getConfidence())
                  .number(hasBox ? box.get(0) : null)
                  .number(hasBox ? box.get(1) : null)
                  .number(hasBox ? box.get(2) : null)
                  .number(hasBox ? box.get(3) : null)
                  .integer(d.getCount())
                  .text(d.getObservationType())
                  .integer(d.getMediaIndex())
                  .text(d.getClassifiedBy())
                  .text(d.getClassificationMethod())
                  .text(d.getLifeStage())
                  .text(d.getSex())
                  .text(d.getBehavior())
                  .text(d.getObservationId());
              rows.endRow();
            }
          }
        });
    Staging.merge(c, MERGE_EVENTS);
    Staging.merge(c, CLEAR_DETECTIONS);
    Staging.merge(c, MERGE_DETECTIONS);
  }
}
