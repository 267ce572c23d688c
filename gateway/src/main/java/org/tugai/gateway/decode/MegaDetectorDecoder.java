package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;

/**
 * MegaDetector batch output (format 1.x) for one camera on {@code tugai/v1/cameras/{cameraId}/megadetector}:
 * one camera event per image, detection categories 1 animal, 2 person, 3 vehicle, the top classification
 * as species when there is one. An image with {@code failure} becomes a dead letter; the rest go on.
 *
 * <p>The event id is the image file name (stable across re-runs, so a replayed batch dedupes). The capture
 * time is the image's {@code datetime} (format 1.4, EXIF style or ISO-8601, taken as UTC); images without
 * one get the time the gateway received the batch.
 */
public final class MegaDetectorDecoder {

  private static final DateTimeFormatter EXIF = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");

  private final TimeWindow window;

  public MegaDetectorDecoder(TimeWindow window) {
    this.window = window;
  }

  public Decoded<CameraEvent> decode(String cameraId, byte[] payload, String source, Instant receivedAt) {
    JsonNode root;
    try {
      root = JsonPayload.parse(payload);
      if (!root.isObject() || root.get("images") == null || !root.get("images").isArray()) {
        throw new RejectedException(Rejection.MISSING_FIELD, "MegaDetector output must be an object with an images array");
      }
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, cameraId, e.rejection());
    }
    JsonNode info = root.path("info");
    String model;
    try {
      model = info.path("detector").isTextual() ? JsonFields.storableName("info.detector", info.path("detector").asText(), InputLimits.MAX_NAME) : null;
      if (root.get("images").size() > InputLimits.MAX_BATCH) {
        throw new RejectedException(Rejection.OUT_OF_RANGE, "images has " + root.get("images").size() + " entries; at most "
            + InputLimits.MAX_BATCH + " per message (split the batch)");
      }
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, cameraId, e.rejection());
    }
    JsonNode categories = root.path("detection_categories");
    JsonNode classifications = root.path("classification_categories");
    List<CameraEvent> events = new ArrayList<>();
    List<Decoded.Part> rejected = new ArrayList<>();
    int i = 0;
    for (JsonNode image : root.get("images")) {
      try {
        events.add(event(cameraId, image, model, categories, classifications, source, receivedAt));
      } catch (RejectedException e) {
        rejected.add(new Decoded.Part(JsonPayload.bytes(image), cameraId,
            new Rejection(e.rejection().code(), "image " + i + ": " + e.rejection().reason())));
      }
      i++;
    }
    if (events.isEmpty() && rejected.isEmpty()) {
      return Decoded.rejectedWhole(payload, cameraId, new Rejection(Rejection.EMPTY_BATCH, "images array is empty"));
    }
    return new Decoded<>(events, rejected);
  }

  private CameraEvent event(String cameraId, JsonNode image, String model, JsonNode categories, JsonNode classifications,
      String source, Instant receivedAt) throws RejectedException {
    if (!image.isObject()) {
      throw new RejectedException(Rejection.NOT_AN_OBJECT, "must be a JSON object");
    }
    JsonFields f = new JsonFields(image);
    String file = f.requiredText("file", InputLimits.MAX_MEDIA_NAME);
    if (f.has("failure")) {
      throw new RejectedException("detector-failure", "MegaDetector could not process " + JsonFields.abbreviate(file) + ": "
          + JsonFields.abbreviate(image.get("failure").asText()));
    }
    Instant capturedAt = receivedAt;
    String datetime = f.optionalText("datetime", 64);
    if (datetime != null) {
      capturedAt = parseDatetime(datetime);
      window.check("datetime", capturedAt);
    }
    List<Detection> detections = new ArrayList<>();
    JsonNode list = f.optionalArray("detections", InputLimits.MAX_DETECTIONS);
    if (list != null) {
      for (JsonNode d : list) {
        detections.add(detection(d, categories, classifications));
      }
    }
    String eventId = file.length() > 128 ? file.substring(file.length() - 128) : file;
    return CameraEvent.newBuilder().setCameraId(cameraId).setEventId(eventId).setCapturedAt(capturedAt).setMedia(List.of(file))
        .setModel(model).setDetections(detections).setReceivedAt(receivedAt).setSource(source).build();
  }

  private static Detection detection(JsonNode d, JsonNode categories, JsonNode classifications) throws RejectedException {
    JsonFields f = new JsonFields(d);
    String category = f.requiredText("category", 16);
    String name = categories.path(category).isTextual() ? categories.path(category).asText() : defaultCategory(category);
    name = JsonFields.storableName("detection_categories." + category, name, InputLimits.MAX_NAME);
    DetectionClass cls = switch (name) {
      case "animal" -> DetectionClass.ANIMAL;
      case "person" -> DetectionClass.PERSON;
      case "vehicle" -> DetectionClass.VEHICLE;
      default -> throw new RejectedException(Rejection.OUT_OF_RANGE, "detection category '" + JsonFields.abbreviate(category) + "' is not 1, 2 or 3");
    };
    List<Double> bbox = f.optionalBbox("bbox");
    String species = null;
    JsonNode top = d.path("classifications").path(0);
    if (top.isArray() && top.size() >= 1 && classifications.path(top.get(0).asText()).isTextual()) {
      species = JsonFields.storableName("classification_categories." + JsonFields.abbreviate(top.get(0).asText()),
          classifications.path(top.get(0).asText()).asText(), InputLimits.MAX_NAME);
    }
    return Detection.newBuilder().setCategory(cls).setConfidence(f.requiredNumber("conf", 0, 1)).setBbox(bbox).setSpecies(species).build();
  }

  private static String defaultCategory(String id) {
    return switch (id) {
      case "1" -> "animal";
      case "2" -> "person";
      case "3" -> "vehicle";
      default -> id;
    };
  }

  private static Instant parseDatetime(String text) throws RejectedException {
    try {
      return LocalDateTime.parse(text, EXIF).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException notExif) {
      try {
        return java.time.OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new RejectedException(Rejection.WRONG_TYPE, "datetime '" + JsonFields.abbreviate(text) + "' is neither EXIF (2026:03:01 00:12:09) nor ISO-8601");
      }
    }
  }
}
