package org.tugai.gateway.camtrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Deployment;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.DeviceType;
import org.tugai.gateway.decode.InputLimits;
import org.tugai.schemas.CameraEventFlags;
import org.tugai.schemas.text.StorableText;

/**
 * A Camera Trap Data Package (Camtrap DP 1.0, as Agouti, Trapper and Wildlife Insights export it) read as Tugai's
 * deployments and camera events. Events come from the event-level observations ({@code eventID}, or their
 * {@code eventStart}/{@code eventEnd}), each holding the deployment's media taken within its span; a media-level
 * observation becomes a detection on its one file ({@code mediaIndex}); media no observation mentions become
 * events of their own, flagged {@code unclassified}. A blank observation is an event without detections. Every event
 * is flagged {@code imported}: stored and exported with the live data, never a reason for an alert.
 *
 * <p>A row that cannot be represented (a missing or malformed required cell, text the store cannot hold, a reference
 * to a deployment or medium the package does not have) is a {@link Problem} and left out; the rest is read.
 */
public final class CamtrapDpPackage {

  /** A row left out: the file, its row (1-based, after the header), and why. */
  public record Problem(String file, long row, String reason) {}

  /** What the package holds, as Tugai records. */
  public record Contents(List<Deployment> deployments, List<CameraEvent> events, int observations, List<Problem> problems) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Medium(String id, String deploymentId, Instant timestamp, String filePath) {}

  /** One event being assembled: its deployment, span, files and detections. */
  private static final class Event {
    final String id;
    final String deploymentId;
    Instant start;
    Instant end;
    final List<Medium> media = new ArrayList<>();
    final List<Detection> detections = new ArrayList<>();
    final List<Map.Entry<String, Detection>> onMedia = new ArrayList<>();
    /** An observation names it (a blank one too); an event made for a lone medium is not classified. */
    boolean observed;

    Event(String id, String deploymentId, Instant start, Instant end) {
      this.id = id;
      this.deploymentId = deploymentId;
      this.start = start;
      this.end = end;
    }

    boolean covers(Medium m) {
      return m.deploymentId().equals(deploymentId) && !m.timestamp().isBefore(start) && !m.timestamp().isAfter(end);
    }
  }

  private CamtrapDpPackage() {}

  /**
   * @param dir the package's directory (its {@code datapackage.json} and the CSV files it names)
   * @param receivedAt the time of the import, the events' {@code receivedAt}
   * @throws IOException when {@code dir} holds no Camtrap DP package or one of its tables cannot be read
   */
  public static Contents read(Path dir, Instant receivedAt) throws IOException {
    Path descriptor = dir.resolve("datapackage.json");
    if (!Files.isRegularFile(descriptor)) {
      throw new IOException(dir + " has no datapackage.json");
    }
    JsonNode pkg = JSON.readTree(descriptor.toFile());
    if (!pkg.path("profile").asText("").contains("camtrap-dp")) {
      throw new IOException(descriptor + " is not a Camtrap DP package (its profile is '" + pkg.path("profile").asText("") + "')");
    }
    List<Problem> problems = new ArrayList<>();
    String source = org.tugai.schemas.Channels.IMPORT_PREFIX + "camtrap-dp:" + StorableText.clean(dir.toAbsolutePath().normalize()
        .getFileName().toString());

    Map<String, Deployment> deployments = new LinkedHashMap<>();
    Table table = table(dir, pkg, "deployments");
    for (Row r : table.rows()) {
      try {
        Deployment d = deployment(r);
        deployments.put(d.getDeploymentId(), d);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(table.file(), r.number(), e.getMessage()));
      }
    }

    Map<String, Medium> media = new LinkedHashMap<>();
    table = table(dir, pkg, "media");
    for (Row r : table.rows()) {
      try {
        String deployment = r.required("deploymentID");
        if (!deployments.containsKey(deployment)) {
          throw new IllegalArgumentException("deploymentID '" + deployment + "' is no deployment of the package");
        }
        Medium m = new Medium(r.required("mediaID"), deployment, r.time("timestamp"), r.text("filePath", InputLimits.MAX_MEDIA_NAME)
            .orElseThrow(() -> new IllegalArgumentException("filePath is empty")));
        media.put(m.id(), m);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(table.file(), r.number(), e.getMessage()));
      }
    }

    // Events first (event-level observations), then the media-level ones placed in them.
    Map<String, Event> events = new LinkedHashMap<>();
    List<Row> mediaLevel = new ArrayList<>();
    int observations = 0;
    table = table(dir, pkg, "observations");
    for (Row r : table.rows()) {
      try {
        String deployment = r.required("deploymentID");
        Deployment d = deployments.get(deployment);
        if (d == null) {
          throw new IllegalArgumentException("deploymentID '" + deployment + "' is no deployment of the package");
        }
        if (r.get("observationLevel").equals("media")) {
          String mediaId = r.required("mediaID");
          if (!media.containsKey(mediaId)) {
            throw new IllegalArgumentException("mediaID '" + mediaId + "' is no medium of the package");
          }
          detection(r); // checked now, so its problem is told with its row
          mediaLevel.add(r);
          observations++;
          continue;
        }
        Instant start = r.time("eventStart");
        Instant end = r.time("eventEnd");
        if (end.isBefore(start)) {
          throw new IllegalArgumentException("eventEnd " + end + " is before eventStart " + start);
        }
        String eventId = eventId(r.text("eventID", InputLimits.MAX_ID).orElse(start.toEpochMilli() + "-" + end.toEpochMilli()), d);
        Optional<Detection> found = detection(r); // before the event exists: a refused row makes none
        Event e = events.computeIfAbsent(deployment + "\n" + eventId, k -> new Event(eventId, deployment, start, end));
        e.start = start.isBefore(e.start) ? start : e.start;
        e.end = end.isAfter(e.end) ? end : e.end;
        e.observed = true;
        found.ifPresent(e.detections::add);
        observations++;
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(table.file(), r.number(), e.getMessage()));
      }
    }

    List<Medium> ordered = new ArrayList<>(media.values());
    ordered.sort(Comparator.comparing(Medium::timestamp).thenComparing(Medium::id));
    Map<String, Event> eventOfMedium = new LinkedHashMap<>();
    for (Medium m : ordered) {
      Event home = events.values().stream().filter(e -> e.covers(m)).findFirst().orElseGet(() -> {
        // A medium outside every event: an event of its own (classified below if a media-level observation names it).
        Event own = new Event(eventId(m.id(), deployments.get(m.deploymentId())), m.deploymentId(), m.timestamp(), m.timestamp());
        events.put(m.deploymentId() + "\n" + own.id, own);
        return own;
      });
      home.media.add(m);
      eventOfMedium.put(m.id(), home);
    }
    for (Row r : mediaLevel) {
      Event e = eventOfMedium.get(r.get("mediaID"));
      e.observed = true;
      detection(r).ifPresent(d -> e.onMedia.add(Map.entry(r.get("mediaID"), d)));
    }

    List<CameraEvent> out = new ArrayList<>();
    for (Event e : events.values()) {
      List<Detection> detections = new ArrayList<>(e.detections);
      for (Map.Entry<String, Detection> on : e.onMedia) {
        Detection d = on.getValue();
        int index = 0;
        while (!e.media.get(index).id().equals(on.getKey())) {
          index++;
        }
        detections.add(Detection.newBuilder(d).setMediaIndex(index).build());
      }
      boolean classified = e.observed;
      List<String> flags = new ArrayList<>(List.of(CameraEventFlags.IMPORTED));
      if (!classified) {
        flags.add(CameraEventFlags.UNCLASSIFIED);
      }
      out.add(CameraEvent.newBuilder().setCameraId(deployments.get(e.deploymentId).getDeviceId()).setEventId(e.id)
          .setCapturedAt(e.start).setEndedAt(e.end.isAfter(e.start) ? e.end : null)
          .setMedia(e.media.stream().map(Medium::filePath).toList()).setDetections(detections).setReceivedAt(receivedAt)
          .setSource(source).setQualityFlags(flags).build());
    }
    return new Contents(List.copyOf(deployments.values()), out, observations, problems);
  }

  /** Tugai's event id: the package's, without the {@code camera/} prefix Tugai's own export gives it. */
  private static String eventId(String id, Deployment d) {
    String prefix = d.getDeviceId() + "/";
    return id.startsWith(prefix) && id.length() > prefix.length() ? id.substring(prefix.length()) : id;
  }

  private static Deployment deployment(Row r) {
    String id = r.required("deploymentID");
    double lat = r.number("latitude", -90, 90);
    double lon = r.number("longitude", -180, 180);
    Instant start = r.time("deploymentStart");
    Instant end = r.time("deploymentEnd");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("deploymentEnd " + end + " is before deploymentStart " + start);
    }
    return Deployment.newBuilder().setDeploymentId(id).setDeviceId(r.text("cameraID", InputLimits.MAX_ID).orElse(id))
        .setDeviceType(DeviceType.CAMERA).setSiteId(r.text("locationID", InputLimits.MAX_NAME)
            .or(() -> r.text("locationName", InputLimits.MAX_NAME)).orElse(null))
        // deploymentEnd is the last moment of the deployment; Tugai's deployOff is the first moment after it.
        .setDeployOn(start).setDeployOff(end.plusMillis(1)).setLat(lat).setLon(lon).build();
  }

  /** The observation as a detection; empty for a blank one (an event with no detection is blank). */
  private static Optional<Detection> detection(Row r) {
    String type = r.required("observationType");
    DetectionClass category = switch (type) {
      case "animal" -> DetectionClass.ANIMAL;
      case "human" -> DetectionClass.PERSON;
      case "vehicle" -> DetectionClass.VEHICLE;
      case "blank" -> null;
      case "unknown", "unclassified" -> DetectionClass.UNKNOWN;
      default -> throw new IllegalArgumentException("observationType '" + type + "' is none of animal, human, vehicle, blank, unknown,"
          + " unclassified");
    };
    if (category == null) {
      return Optional.empty();
    }
    List<Double> box = null;
    if (!r.get("bboxX").isEmpty()) {
      box = List.of(r.number("bboxX", 0, 1), r.number("bboxY", 0, 1), r.number("bboxWidth", 0, 1), r.number("bboxHeight", 0, 1));
    }
    String count = r.get("count");
    Integer n;
    try {
      n = count.isEmpty() ? null : Integer.valueOf(count);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("count '" + count + "' is not a whole number");
    }
    String method = r.get("classificationMethod");
    if (!method.isEmpty() && !method.equals("human") && !method.equals("machine")) {
      throw new IllegalArgumentException("classificationMethod '" + method + "' is neither human nor machine");
    }
    return Optional.of(Detection.newBuilder().setCategory(category).setSpecies(r.text("scientificName", InputLimits.MAX_NAME).orElse(null))
        // A person's classification usually has no probability: it counts as certain.
        .setConfidence(r.get("classificationProbability").isEmpty() ? 1.0 : r.number("classificationProbability", 0, 1))
        .setBbox(box).setCount(n).setObservationType(type).setClassifiedBy(r.text("classifiedBy", InputLimits.MAX_NAME).orElse(null))
        .setClassificationMethod(method.isEmpty() ? null : method).setLifeStage(r.text("lifeStage", InputLimits.MAX_NAME).orElse(null))
        .setSex(r.text("sex", InputLimits.MAX_NAME).orElse(null)).setBehavior(r.text("behavior", InputLimits.MAX_TEXT).orElse(null))
        .setObservationId(r.required("observationID")).build());
  }

  private record Table(String file, List<Row> rows) {}

  private static Table table(Path dir, JsonNode pkg, String name) throws IOException {
    String path = name + ".csv";
    for (JsonNode resource : pkg.path("resources")) {
      if (resource.path("name").asText().equals(name) && resource.path("path").isTextual()) {
        path = resource.path("path").asText();
      }
    }
    Path file = dir.resolve(path).normalize();
    if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
      throw new IOException("the package's " + name + " table " + path + " is not a file in " + dir);
    }
    List<Row> rows = new ArrayList<>();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
      long n = 0;
      while (it.hasNext()) {
        rows.add(new Row(++n, it.next()));
      }
    } catch (RuntimeException e) {
      throw new IOException(path + " is not a CSV table: " + e.getMessage(), e);
    }
    return new Table(path, rows);
  }

  /** One CSV row by field name; an absent field reads as empty. */
  private record Row(long number, Map<String, String> cells) {
    String get(String field) {
      String v = cells.get(field);
      return v == null ? "" : v.trim();
    }

    Optional<String> text(String field, int max) {
      String v = get(field);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      StorableText.problemInText(field, v, max).ifPresent(p -> {
        throw new IllegalArgumentException(p);
      });
      return Optional.of(v);
    }

    String required(String field) {
      String v = get(field);
      if (v.isEmpty()) {
        throw new IllegalArgumentException(field + " is empty");
      }
      StorableText.problemInName(field, v, InputLimits.MAX_ID).ifPresent(p -> {
        throw new IllegalArgumentException(p);
      });
      return v;
    }

    double number(String field, double min, double max) {
      String v = required(field);
      double d;
      try {
        d = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(field + " '" + v + "' is not a number");
      }
      if (!(d >= min && d <= max)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %s is outside %s..%s", field, v, min, max));
      }
      return d;
    }

    Instant time(String field) {
      String v = required(field);
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(field + " '" + v + "' is not an ISO 8601 time with its offset");
      }
    }
  }
}
