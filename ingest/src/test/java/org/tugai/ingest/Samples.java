package org.tugai.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Crossing;
import org.tugai.avro.Deployment;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.avro.Severity;

/** Records as streams and the gateway produce them, for sink tests. */
public final class Samples {

  public static final Instant T0 = Instant.parse("2026-03-01T04:00:00Z");

  private Samples() {}

  public static Fix fix(String collar, int minute) {
    return Fix.newBuilder()
        .setCollarId(collar)
        .setFixTime(T0.plusSeconds(60L * minute))
        .setLat(37.3 + minute * 1e-4)
        .setLon(68.1 + minute * 1e-4)
        .setHdop(1.2)
        .setSatellites(7)
        .setFixType(FixType.THREE_D)
        .setBatteryV(3.6)
        .setReceivedAt(T0.plusSeconds(60L * minute + 5))
        .setSource("test")
        .setAnimalId("deer-" + collar)
        .setDeploymentId("dep-" + collar)
        .setCountry("TJK")
        .setZones(List.of("pa-zarafshon-tj"))
        .setQualityFlags(List.of())
        .build();
  }

  public static CameraEvent event(String camera, String eventId, int detections) {
    CameraEvent.Builder b =
        CameraEvent.newBuilder()
            .setCameraId(camera)
            .setEventId(eventId)
            .setCapturedAt(T0)
            .setMedia(List.of("IMG_1.JPG", "IMG_2.JPG"))
            .setModel("MDv5a")
            .setReceivedAt(T0.plusSeconds(3))
            .setSource("test");
    List<Detection> list = new ArrayList<>();
    for (int i = 0; i < detections; i++) {
      list.add(
          Detection.newBuilder()
              .setCategory(i == 0 ? DetectionClass.PERSON : DetectionClass.ANIMAL)
              .setSpecies(i == 0 ? null : "Cervus elaphus bactrianus")
              .setConfidence(0.9)
              .setBbox(List.of(0.1, 0.2, 0.3, 0.4))
              .setCount(1)
              .build());
    }
    return b.setDetections(list).build();
  }

  public static Deployment deployment(String id, String collar, String animal) {
    return Deployment.newBuilder()
        .setDeploymentId(id)
        .setDeviceId(collar)
        .setDeviceType(DeviceType.COLLAR)
        .setAnimalId(animal)
        .setSpecies("Cervus elaphus bactrianus")
        .setSex("f")
        .setPopulation("Tj1")
        .setDeployOn(T0.minusSeconds(86_400))
        .build();
  }

  public static Alert alert(String id, AlertStatus status, int updateSecond, int evidence) {
    return Alert.newBuilder()
        .setAlertId(id)
        .setType(AlertType.INTRUSION)
        .setSeverity(Severity.HIGH)
        .setStatus(status)
        .setTitle("person at CT-1")
        .setFirstSeen(T0)
        .setLastSeen(T0.plusSeconds(evidence))
        .setLat(37.31)
        .setLon(68.12)
        .setZones(List.of("pa-zarafshon-tj"))
        .setDeviceId("CT-1")
        .setEvidence(IntStream.range(0, evidence).mapToObj(i -> "event:CT-1/e" + i).toList())
        .setChannels(List.of("pa-zarafshon-tj"))
        .setDetails(Map.of("confidence", "0.93"))
        .setAcknowledgedBy(status == AlertStatus.ACKNOWLEDGED ? "ranger-7" : null)
        .setUpdatedAt(T0.plusSeconds(updateSecond))
        .build();
  }

  public static Crossing crossing(String id, int revision) {
    return Crossing.newBuilder()
        .setCrossingId(id)
        .setAnimalId("deer-1")
        .setCollarId("C1")
        .setFromCountry("TJK")
        .setToCountry("AFG")
        .setCrossedAt(T0)
        .setBeforeFixTime(T0.minusSeconds(900))
        .setBeforeLat(37.2)
        .setBeforeLon(68.1)
        .setAfterFixTime(T0.plusSeconds(900))
        .setAfterLat(37.1)
        .setAfterLon(68.1)
        .setRevision(revision)
        .setDetectedAt(T0)
        .build();
  }
}
