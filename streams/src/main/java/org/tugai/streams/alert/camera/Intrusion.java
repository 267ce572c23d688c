package org.tugai.streams.alert.camera;

import java.util.List;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.streams.alert.AlertParams;
import org.tugai.streams.alert.AlertsConfig;

/** Which detections of a camera event count as an intrusion: people, vehicles and dogs above the confidence threshold. */
final class Intrusion {

  private Intrusion() {}

  static List<Detection> qualifying(CameraEvent event, AlertParams p, AlertsConfig config) {
    return event.getDetections().stream()
        .filter(d -> d.getConfidence() >= p.intrusionMinConfidence())
        .filter(d -> d.getCategory() == DetectionClass.PERSON || d.getCategory() == DetectionClass.VEHICLE
            || (d.getSpecies() != null && config.dogSpecies().contains(d.getSpecies())))
        .toList();
  }

  static String label(Detection d) {
    return switch (d.getCategory()) {
      case PERSON -> "person";
      case VEHICLE -> "vehicle";
      default -> "dog";
    };
  }
}
