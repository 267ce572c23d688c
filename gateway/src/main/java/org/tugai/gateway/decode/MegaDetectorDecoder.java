package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.schemas.CameraEventFlags;
import org.tugai.schemas.ReasonCodes;

/**
 * MegaDetector batch output (format 1.x) for one camera on {@code
 * tugai/v1/cameras/{cameraId}/megadetector}: one camera event per image, or per video (MegaDetector
 * writes a video's frames as {@code VIDEO.MP4/frame000030.jpg}; they are one trigger, so one event
 * with every frame's detections). Detection categories 1 animal, 2 person, 3 vehicle; the top
 * classification becomes the species when there is one. As the output format asks, a detection of a
 * category the file does not define is ignored, not the whole image; detections below the
 * confidence threshold are dropped too (MegaDetector writes everything above 0.005); both are
 * counted. An image with {@code failure} becomes a dead letter; the rest go on.
 *
 * <p>The event id is the image (or video) file name, stable across re-runs, so a replayed batch
 * dedupes. The capture time is the image's {@code datetime} (format 1.4, EXIF style or ISO-8601,
 * taken as UTC); an image without one gets the time the gateway received the batch and the quality
 * flag {@code no-capture-time}, so no one takes it for the moment of the trigger.
 */
public final class MegaDetectorDecoder {

  /** The capture time is the gateway's arrival time: the image carried none. */
  public static final String NO_CAPTURE_TIME = CameraEventFlags.NO_CAPTURE_TIME;

  /**
   * MegaDetector v5's own recommendation for its output: above 0.2 a detection is worth a look; the
   * file holds detections down to 0.005, most of them noise.
   */
  public static final double DEFAULT_MIN_CONFIDENCE = 0.2;

  private static final Pattern VIDEO_FRAME =
      Pattern.compile(
          "(?i)(.+\\.(?:mp4|avi|mov|mkv|m4v|wmv|mpg|mpeg))[/\\\\]frame\\d+\\.(?:jpe?g|png)");

  private static final DateTimeFormatter EXIF = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");

  private final TimeWindow window;
  private final double minConfidence;
  private final Consumer<String> skipped;

  public MegaDetectorDecoder(TimeWindow window) {
    this(window, DEFAULT_MIN_CONFIDENCE, reason -> {});
  }

  /**
   * @param minConfidence detections below it are dropped
   * @param skipped told the reason ({@code unknown-category}, {@code below-threshold}) of every
   *     detection left out
   */
  public MegaDetectorDecoder(TimeWindow window, double minConfidence, Consumer<String> skipped) {
    this.window = window;
    this.minConfidence = minConfidence;
    this.skipped = skipped;
  }

  public Decoded<CameraEvent> decode(
      String cameraId, byte[] payload, String source, Instant receivedAt) {
    JsonNode root;
    try {
      root = JsonPayload.parse(payload);
      if (!root.isObject() || root.get("images") == null || !root.get("images").isArray()) {
        throw new RejectedException(
            ReasonCodes.MISSING_FIELD,
            "MegaDetector output must be an object with an images array");
      }
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, cameraId, e.rejection());
    }
    JsonNode info = root.path("info");
    String model;
    try {
      model =
          info.path("detector").isTextual()
              ? JsonFields.storableName(
                  "info.detector", info.path("detector").asText(), InputLimits.MAX_NAME)
              : null;
      if (root.get("images").size() > InputLimits.MAX_BATCH) {
        throw new RejectedException(
            ReasonCodes.OUT_OF_RANGE,
            "images has "
                + root.get("images").size()
                + " entries; at most "
                + InputLimits.MAX_BATCH
                + " per message (split the batch)");
      }
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, cameraId, e.rejection());
    }
    JsonNode categories = root.path("detection_categories");
    JsonNode classifications = root.path("classification_categories");
    List<CameraEvent> events = new ArrayList<>();
    List<Decoded.Part> rejected = new ArrayList<>();
    // A video's frames, in file order, become one event: keyed by the video's path.
    Map<String, List<CameraEvent>> videos = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode image : root.get("images")) {
      try {
        CameraEvent event =
            event(cameraId, image, model, categories, classifications, source, receivedAt);
        Matcher frame = VIDEO_FRAME.matcher(event.getMedia().get(0));
        if (frame.matches()) {
          videos.computeIfAbsent(frame.group(1), v -> new ArrayList<>()).add(event);
        } else {
          events.add(event);
        }
      } catch (RejectedException e) {
        rejected.add(
            new Decoded.Part(
                JsonPayload.bytes(image),
                cameraId,
                new Rejection(e.rejection().code(), "image " + i + ": " + e.rejection().reason())));
      }
      i++;
    }
    videos.forEach((video, frames) -> events.add(video(video, frames)));
    if (events.isEmpty() && rejected.isEmpty()) {
      return Decoded.rejectedWhole(
          payload, cameraId, new Rejection(ReasonCodes.EMPTY_BATCH, "images array is empty"));
    }
    return new Decoded<>(events, rejected);
  }

  /**
   * One event for a video: from its earliest frame's time to its latest, every frame's detections
   * (up to the limit), flagged if any frame had no time.
   */
  private static CameraEvent video(String video, List<CameraEvent> frames) {
    CameraEvent first =
        frames.stream().min(Comparator.comparing(CameraEvent::getCapturedAt)).orElseThrow();
    List<Detection> detections = new ArrayList<>();
    Set<String> flags = new LinkedHashSet<>();
    for (CameraEvent f : frames) {
      for (Detection d : f.getDetections()) {
        if (detections.size() < InputLimits.MAX_DETECTIONS) {
          detections.add(d);
        }
      }
      flags.addAll(f.getQualityFlags());
    }
    // The video ends at its last frame with a time of its own (a frame without one has the batch's
    // arrival time).
    Instant last =
        frames.stream()
            .filter(f -> !f.getQualityFlags().contains(NO_CAPTURE_TIME))
            .map(CameraEvent::getCapturedAt)
            .max(Comparator.naturalOrder())
            .orElse(first.getCapturedAt());
    String eventId = video.length() > 128 ? video.substring(video.length() - 128) : video;
    return CameraEvent.newBuilder()
        .setCameraId(first.getCameraId())
        .setEventId(eventId)
        .setCapturedAt(first.getCapturedAt())
        .setEndedAt(last.isAfter(first.getCapturedAt()) ? last : null)
        .setMedia(List.of(video))
        .setModel(first.getModel())
        .setDetections(detections)
        .setReceivedAt(first.getReceivedAt())
        .setSource(first.getSource())
        .setQualityFlags(List.copyOf(flags))
        .build();
  }

  private CameraEvent event(
      String cameraId,
      JsonNode image,
      String model,
      JsonNode categories,
      JsonNode classifications,
      String source,
      Instant receivedAt)
      throws RejectedException {
    if (!image.isObject()) {
      throw new RejectedException(ReasonCodes.NOT_AN_OBJECT, "must be a JSON object");
    }
    JsonFields f = new JsonFields(image);
    String file = f.requiredText("file", InputLimits.MAX_MEDIA_NAME);
    if (f.has("failure")) {
      throw new RejectedException(
          "detector-failure",
          "MegaDetector could not process "
              + JsonFields.abbreviate(file)
              + ": "
              + JsonFields.abbreviate(image.get("failure").asText()));
    }
    Instant capturedAt = receivedAt;
    List<String> flags = List.of(NO_CAPTURE_TIME);
    String datetime = f.optionalText("datetime", 64);
    if (datetime != null) {
      capturedAt = parseDatetime(datetime);
      window.check("datetime", capturedAt);
      flags = List.of();
    }
    List<Detection> detections = new ArrayList<>();
    JsonNode list = f.optionalArray("detections", InputLimits.MAX_DETECTIONS);
    if (list != null) {
      for (JsonNode d : list) {
        Detection detection = detection(d, categories, classifications);
        if (detection != null) {
          detections.add(detection);
        }
      }
    }
    String eventId = file.length() > 128 ? file.substring(file.length() - 128) : file;
    return CameraEvent.newBuilder()
        .setCameraId(cameraId)
        .setEventId(eventId)
        .setCapturedAt(capturedAt)
        .setMedia(List.of(file))
        .setModel(model)
        .setDetections(detections)
        .setReceivedAt(receivedAt)
        .setSource(source)
        .setQualityFlags(flags)
        .build();
  }

  /**
   * The detection, or null when it is to be ignored (a category the file does not define, below the
   * threshold).
   */
  private Detection detection(JsonNode d, JsonNode categories, JsonNode classifications)
      throws RejectedException {
    JsonFields f = new JsonFields(d);
    String category = f.requiredText("category", 16);
    if (categories.isObject() && !categories.isEmpty() && !categories.has(category)) {
      skipped.accept("unknown-category");
      return null;
    }
    String name =
        categories.path(category).isTextual()
            ? categories.path(category).asText()
            : defaultCategory(category);
    name = JsonFields.storableName("detection_categories." + category, name, InputLimits.MAX_NAME);
    DetectionClass cls =
        switch (name) {
          case "animal" -> DetectionClass.ANIMAL;
          case "person" -> DetectionClass.PERSON;
          case "vehicle" -> DetectionClass.VEHICLE;
          default -> null;
        };
    if (cls == null) {
      // A category this pipeline has no class for (a custom detector's): ignored like an undefined
      // one.
      skipped.accept("unknown-category");
      return null;
    }
    if (f.requiredNumber("conf", 0, 1) < minConfidence) {
      skipped.accept("below-threshold");
      return null;
    }
    List<Double> bbox = f.optionalBbox("bbox");
    String species = null;
    JsonNode top = d.path("classifications").path(0);
    if (top.isArray() && top.size() >= 1 && classifications.path(top.get(0).asText()).isTextual()) {
      species =
          JsonFields.storableName(
              "classification_categories." + JsonFields.abbreviate(top.get(0).asText()),
              classifications.path(top.get(0).asText()).asText(),
              InputLimits.MAX_NAME);
    }
    return Detection.newBuilder()
        .setCategory(cls)
        .setConfidence(f.requiredNumber("conf", 0, 1))
        .setBbox(bbox)
        .setSpecies(species)
        .build();
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
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new RejectedException(
            ReasonCodes.WRONG_TYPE,
            "datetime '"
                + JsonFields.abbreviate(text)
                + "' is neither EXIF (2026:03:01 00:12:09) nor ISO-8601");
      }
    }
  }
}
