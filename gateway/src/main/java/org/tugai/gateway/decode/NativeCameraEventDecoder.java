package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.schemas.ReasonCodes;

/**
 * Tugai's native camera-trap format on {@code tugai/v1/cameras/{cameraId}/detections}: one event
 * object.
 */
public final class NativeCameraEventDecoder {

  private static final int MAX_MEDIA = InputLimits.MAX_MEDIA;
  private static final int MAX_DETECTIONS = InputLimits.MAX_DETECTIONS;

  private final TimeWindow window;

  public NativeCameraEventDecoder(TimeWindow window) {
    this.window = window;
  }

  public Decoded<CameraEvent> decode(
      String topicCameraId, byte[] payload, String source, Instant receivedAt) {
    try {
      JsonNode root = JsonPayload.parse(payload);
      return new Decoded<>(List.of(event(topicCameraId, root, source, receivedAt)), List.of());
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, topicCameraId, e.rejection());
    }
  }

  private CameraEvent event(String topicCameraId, JsonNode node, String source, Instant receivedAt)
      throws RejectedException {
    if (!node.isObject()) {
      throw new RejectedException(
          ReasonCodes.NOT_AN_OBJECT,
          "a camera event must be a JSON object, not "
              + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    JsonFields f = new JsonFields(node);
    String cameraId = f.id("cameraId");
    if (!cameraId.equals(topicCameraId)) {
      throw new RejectedException(
          ReasonCodes.DEVICE_MISMATCH,
          "cameraId '"
              + cameraId
              + "' in the payload differs from '"
              + topicCameraId
              + "' in the topic");
    }
    String eventId = f.id("eventId");
    Instant capturedAt = f.requiredTime("capturedAt");
    window.check("capturedAt", capturedAt);

    List<String> media = new ArrayList<>();
    JsonNode mediaNode = f.optionalArray("media");
    if (mediaNode != null) {
      if (mediaNode.size() > MAX_MEDIA) {
        throw new RejectedException(
            ReasonCodes.OUT_OF_RANGE, "media has more than " + MAX_MEDIA + " entries");
      }
      for (JsonNode m : mediaNode) {
        if (!m.isTextual() || m.asText().isBlank()) {
          throw new RejectedException(
              ReasonCodes.WRONG_TYPE, "media entries must be non-empty strings");
        }
        media.add(
            JsonFields.storableName(
                "media[" + media.size() + "]", m.asText(), InputLimits.MAX_MEDIA_NAME));
      }
    }
    List<Detection> detections = new ArrayList<>();
    JsonNode detectionsNode = f.optionalArray("detections");
    if (detectionsNode != null) {
      if (detectionsNode.size() > MAX_DETECTIONS) {
        throw new RejectedException(
            ReasonCodes.OUT_OF_RANGE, "detections has more than " + MAX_DETECTIONS + " entries");
      }
      int i = 0;
      for (JsonNode d : detectionsNode) {
        try {
          detections.add(detection(d));
        } catch (RejectedException e) {
          throw new RejectedException(
              e.rejection().code(), "detection " + i + ": " + e.rejection().reason());
        }
        i++;
      }
    }
    return CameraEvent.newBuilder()
        .setCameraId(cameraId)
        .setEventId(eventId)
        .setCapturedAt(capturedAt)
        .setMedia(media)
        .setModel(f.optionalText("model", InputLimits.MAX_NAME))
        .setDetections(detections)
        .setReceivedAt(receivedAt)
        .setSource(source)
        .build();
  }

  private static Detection detection(JsonNode node) throws RejectedException {
    if (!node.isObject()) {
      throw new RejectedException(ReasonCodes.NOT_AN_OBJECT, "must be a JSON object");
    }
    JsonFields f = new JsonFields(node);
    String cls = f.requiredText("class", 16).toLowerCase(Locale.ROOT);
    DetectionClass category =
        switch (cls) {
          case "animal" -> DetectionClass.ANIMAL;
          case "person" -> DetectionClass.PERSON;
          case "vehicle" -> DetectionClass.VEHICLE;
          default ->
              throw new RejectedException(
                  ReasonCodes.OUT_OF_RANGE,
                  "class '"
                      + JsonFields.abbreviate(cls)
                      + "' is not one of animal, person, vehicle");
        };
    List<Double> bbox = f.optionalBbox("bbox");
    return Detection.newBuilder()
        .setCategory(category)
        .setSpecies(f.optionalText("species", InputLimits.MAX_NAME))
        .setConfidence(f.requiredNumber("confidence", 0, 1))
        .setBbox(bbox)
        .setCount(f.optionalInt("count", 1, 100_000))
        .build();
  }
}
