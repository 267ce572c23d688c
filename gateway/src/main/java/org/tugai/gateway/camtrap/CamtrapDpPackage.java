package org.tugai.gateway.camtrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Deployment;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.DeviceType;
import org.tugai.gateway.decode.InputLimits;
import org.tugai.schemas.CameraEventFlags;
import org.tugai.schemas.Channels;
import org.tugai.schemas.text.StorableText;

/**
 * A Camera Trap Data Package (Camtrap DP 1.0, as Agouti, Trapper and Wildlife Insights export it)
 * read as Tugai's deployments and camera events. Events come from the event-level observations
 * ({@code eventID}, or their {@code eventStart}/{@code eventEnd}), each holding the deployment's
 * media taken within its span; a media-level observation becomes a detection on its one file
 * ({@code mediaIndex}); media no observation mentions become events of their own, flagged {@code
 * unclassified}. A blank observation is an event without detections. Every event is flagged {@code
 * imported}: stored and exported with the live data, never a reason for an alert.
 *
 * <p>A row that cannot be represented (a missing or malformed required cell, text the store cannot
 * hold, a reference to a deployment or medium the package does not have) is a {@link Problem} and
 * left out; the rest is read.
 */
public final class CamtrapDpPackage {

  /** A row left out: the file, its row (1-based, after the header), and why. */
  public record Problem(String file, long row, String reason) {}

  /**
   * What the package holds, as Tugai records.
   *
   * @param source the {@code source} its events carry and its dead letters name ({@code
   *     import:camtrap-dp:DIR})
   */
  public record Contents(
      String source,
      List<Deployment> deployments,
      List<CameraEvent> events,
      int observations,
      List<Problem> problems) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Medium(String id, String deploymentId, Instant timestamp, String filePath) {}

  /** One event being assembled: its deployment, span, files and detections. */
  private static final class Event {
    final String id;
    final String deploymentId;

    /**
     * Its place among the observed events, in the order the observations table names them first.
     */
    final int order;

    Instant start;
    Instant end;
    final List<Medium> media = new ArrayList<>();
    final List<Detection> detections = new ArrayList<>();
    final List<Map.Entry<String, Detection>> onMedia = new ArrayList<>();

    /**
     * An observation names it (a blank one too); an event made for a lone medium is not classified.
     */
    boolean observed;

    Event(String id, String deploymentId, int order, Instant start, Instant end) {
      this.id = id;
      this.deploymentId = deploymentId;
      this.order = order;
      this.start = start;
      this.end = end;
    }

    boolean covers(Instant t) {
      return !t.isBefore(start) && !t.isAfter(end);
    }
  }

  /**
   * One deployment's observed events sorted by start, to find a medium's event by time without
   * scanning them all. Events may overlap; the one the observations table named first wins, as it
   * would reading the table in order.
   */
  private static final class Timeline {
    private final Event[] byStart;

    /**
     * The latest end among {@code byStart[0..i]}: scanning back from a medium's time can stop below
     * it.
     */
    private final Instant[] reach;

    Timeline(List<Event> events) {
      byStart =
          events.stream().sorted(Comparator.comparing((Event e) -> e.start)).toArray(Event[]::new);
      reach = new Instant[byStart.length];
      for (int i = 0; i < byStart.length; i++) {
        reach[i] = i == 0 || byStart[i].end.isAfter(reach[i - 1]) ? byStart[i].end : reach[i - 1];
      }
    }

    Optional<Event> at(Instant t) {
      int lo = 0;
      int hi = byStart.length; // the first event starting after t
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (byStart[mid].start.isAfter(t)) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      Event first = null;
      for (int i = lo - 1; i >= 0 && !reach[i].isBefore(t); i--) {
        if (byStart[i].covers(t) && (first == null || byStart[i].order < first.order)) {
          first = byStart[i];
        }
      }
      return Optional.ofNullable(first);
    }
  }

  private CamtrapDpPackage() {}

  /**
   * Reads the package table by table, row by row: memory holds the package's media and events as
   * Tugai records, not its CSV text.
   *
   * @param dir the package's directory (its {@code datapackage.json} and the CSV files it names)
   * @param receivedAt the time of the import, the events' {@code receivedAt}
   * @throws IOException when {@code dir} holds no Camtrap DP package or one of its tables cannot be
   *     read
   */
  public static Contents read(Path dir, Instant receivedAt) throws IOException {
    Path descriptor = dir.resolve("datapackage.json");
    if (!Files.isRegularFile(descriptor)) {
      throw new IOException(dir + " has no datapackage.json");
    }
    JsonNode pkg = JSON.readTree(descriptor.toFile());
    if (!pkg.path("profile").asText("").contains("camtrap-dp")) {
      throw new IOException(
          descriptor
              + " is not a Camtrap DP package (its profile is '"
              + pkg.path("profile").asText("")
              + "')");
    }
    List<Problem> problems = new ArrayList<>();
    String source =
        Channels.IMPORT_PREFIX
            + "camtrap-dp:"
            + StorableText.clean(dir.toAbsolutePath().normalize().getFileName().toString());

    Map<String, Deployment> deployments = new LinkedHashMap<>();
    eachRow(
        dir,
        pkg,
        "deployments",
        problems,
        r -> {
          Deployment d = deployment(r);
          deployments.put(d.getDeploymentId(), d);
        });

    Map<String, Medium> media = new LinkedHashMap<>();
    eachRow(
        dir,
        pkg,
        "media",
        problems,
        r -> {
          String deployment = r.required("deploymentID");
          if (!deployments.containsKey(deployment)) {
            throw new IllegalArgumentException(
                "deploymentID '" + deployment + "' is no deployment of the package");
          }
          Medium m =
              new Medium(
                  r.required("mediaID"),
                  deployment,
                  r.time("timestamp"),
                  r.text("filePath", InputLimits.MAX_MEDIA_NAME)
                      .orElseThrow(() -> new IllegalArgumentException("filePath is empty")));
          media.put(m.id(), m);
        });

    // Events first (event-level observations), then the media-level ones placed in them.
    Map<String, Event> events = new LinkedHashMap<>();
    List<Map.Entry<String, Detection>> mediaLevel = new ArrayList<>();
    int[] observations = {0};
    eachRow(
        dir,
        pkg,
        "observations",
        problems,
        r -> {
          String deployment = r.required("deploymentID");
          Deployment d = deployments.get(deployment);
          if (d == null) {
            throw new IllegalArgumentException(
                "deploymentID '" + deployment + "' is no deployment of the package");
          }
          if (r.get("observationLevel").equals("media")) {
            String mediaId = r.required("mediaID");
            if (!media.containsKey(mediaId)) {
              throw new IllegalArgumentException(
                  "mediaID '" + mediaId + "' is no medium of the package");
            }
            Optional<Detection> found = detection(r);
            // A blank media-level observation still says its medium was looked at: its event is
            // classified.
            mediaLevel.add(new AbstractMap.SimpleImmutableEntry<>(mediaId, found.orElse(null)));
            observations[0]++;
            return;
          }
          Instant start = r.time("eventStart");
          Instant end = r.time("eventEnd");
          if (end.isBefore(start)) {
            throw new IllegalArgumentException(
                "eventEnd " + end + " is before eventStart " + start);
          }
          String eventId =
              eventId(
                  r.text("eventID", InputLimits.MAX_ID)
                      .orElse(start.toEpochMilli() + "-" + end.toEpochMilli()),
                  d);
          Optional<Detection> found =
              detection(r); // before the event exists: a refused row makes none
          Event e =
              events.computeIfAbsent(
                  deployment + "\n" + eventId,
                  k -> new Event(eventId, deployment, events.size(), start, end));
          e.start = start.isBefore(e.start) ? start : e.start;
          e.end = end.isAfter(e.end) ? end : e.end;
          e.observed = true;
          found.ifPresent(e.detections::add);
          observations[0]++;
        });

    Map<String, Timeline> timelines = new HashMap<>();
    events.values().stream()
        .collect(Collectors.groupingBy(e -> e.deploymentId))
        .forEach((deployment, theirs) -> timelines.put(deployment, new Timeline(theirs)));
    List<Medium> ordered = new ArrayList<>(media.values());
    ordered.sort(Comparator.comparing(Medium::timestamp).thenComparing(Medium::id));
    Map<String, Event> eventOfMedium = new HashMap<>();
    Map<String, Event> lone = new LinkedHashMap<>();
    for (Medium m : ordered) {
      Event home =
          Optional.ofNullable(timelines.get(m.deploymentId()))
              .flatMap(t -> t.at(m.timestamp()))
              // A medium outside every event: an event of its own, shared by the deployment's media
              // of the same instant (classified below if a media-level observation names it).
              .orElseGet(
                  () ->
                      lone.computeIfAbsent(
                          m.deploymentId() + "\n" + m.timestamp(),
                          k ->
                              new Event(
                                  eventId(m.id(), deployments.get(m.deploymentId())),
                                  m.deploymentId(),
                                  -1,
                                  m.timestamp(),
                                  m.timestamp())));
      home.media.add(m);
      eventOfMedium.put(m.id(), home);
    }
    for (Map.Entry<String, Detection> on : mediaLevel) {
      Event e = eventOfMedium.get(on.getKey());
      e.observed = true;
      if (on.getValue() != null) {
        e.onMedia.add(on);
      }
    }

    List<CameraEvent> out = new ArrayList<>(events.size() + lone.size());
    for (Event e : concat(events.values(), lone.values())) {
      List<Detection> detections = new ArrayList<>(e.detections);
      if (!e.onMedia.isEmpty()) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < e.media.size(); i++) {
          index.put(e.media.get(i).id(), i);
        }
        for (Map.Entry<String, Detection> on : e.onMedia) {
          detections.add(
              Detection.newBuilder(on.getValue()).setMediaIndex(index.get(on.getKey())).build());
        }
      }
      List<String> flags = new ArrayList<>(List.of(CameraEventFlags.IMPORTED));
      if (!e.observed) {
        flags.add(CameraEventFlags.UNCLASSIFIED);
      }
      out.add(
          CameraEvent.newBuilder()
              .setCameraId(deployments.get(e.deploymentId).getDeviceId())
              .setEventId(e.id)
              .setCapturedAt(e.start)
              .setEndedAt(e.end.isAfter(e.start) ? e.end : null)
              .setMedia(e.media.stream().map(Medium::filePath).toList())
              .setDetections(detections)
              .setReceivedAt(receivedAt)
              .setSource(source)
              .setQualityFlags(flags)
              .build());
    }
    return new Contents(source, List.copyOf(deployments.values()), out, observations[0], problems);
  }

  private static List<Event> concat(Collection<Event> a, Collection<Event> b) {
    List<Event> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * Tugai's event id: the package's, without the {@code camera/} prefix Tugai's own export gives
   * it.
   */
  private static String eventId(String id, Deployment d) {
    String prefix = d.getDeviceId() + "/";
    return id.startsWith(prefix) && id.length() > prefix.length()
        ? id.substring(prefix.length())
        : id;
  }

  private static Deployment deployment(Row r) {
    String id = r.required("deploymentID");
    double lat = r.number("latitude", -90, 90);
    double lon = r.number("longitude", -180, 180);
    Instant start = r.time("deploymentStart");
    Instant end = r.time("deploymentEnd");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException(
          "deploymentEnd " + end + " is before deploymentStart " + start);
    }
    return Deployment.newBuilder()
        .setDeploymentId(id)
        .setDeviceId(r.text("cameraID", InputLimits.MAX_ID).orElse(id))
        .setDeviceType(DeviceType.CAMERA)
        .setSiteId(
            r.text("locationID", InputLimits.MAX_NAME)
                .or(() -> r.text("locationName", InputLimits.MAX_NAME))
                .orElse(null))
        // deploymentEnd is the last moment of the deployment; Tugai's deployOff is the first moment
        // after it.
        .setDeployOn(start)
        .setDeployOff(end.plusMillis(1))
        .setLat(lat)
        .setLon(lon)
        .build();
  }

  /**
   * The observation as a detection; empty for a blank one (an event with no detection is blank).
   */
  private static Optional<Detection> detection(Row r) {
    String type = r.required("observationType");
    DetectionClass category =
        switch (type) {
          case "animal" -> DetectionClass.ANIMAL;
          case "human" -> DetectionClass.PERSON;
          case "vehicle" -> DetectionClass.VEHICLE;
          case "blank" -> null;
          case "unknown", "unclassified" -> DetectionClass.UNKNOWN;
          default ->
              throw new IllegalArgumentException(
                  "observationType '"
                      + type
                      + "' is none of animal, human, vehicle, blank, unknown,"
                      + " unclassified");
        };
    if (category == null) {
      return Optional.empty();
    }
    List<Double> box = null;
    if (!r.get("bboxX").isEmpty()) {
      box =
          List.of(
              r.number("bboxX", 0, 1),
              r.number("bboxY", 0, 1),
              r.number("bboxWidth", 0, 1),
              r.number("bboxHeight", 0, 1));
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
      throw new IllegalArgumentException(
          "classificationMethod '" + method + "' is neither human nor machine");
    }
    return Optional.of(
        Detection.newBuilder()
            .setCategory(category)
            .setSpecies(r.text("scientificName", InputLimits.MAX_NAME).orElse(null))
            // A person's classification usually has no probability: it counts as certain.
            .setConfidence(
                r.get("classificationProbability").isEmpty()
                    ? 1.0
                    : r.number("classificationProbability", 0, 1))
            .setBbox(box)
            .setCount(n)
            .setObservationType(type)
            .setClassifiedBy(r.text("classifiedBy", InputLimits.MAX_NAME).orElse(null))
            .setClassificationMethod(method.isEmpty() ? null : method)
            .setLifeStage(r.text("lifeStage", InputLimits.MAX_NAME).orElse(null))
            .setSex(r.text("sex", InputLimits.MAX_NAME).orElse(null))
            .setBehavior(r.text("behavior", InputLimits.MAX_TEXT).orElse(null))
            .setObservationId(r.required("observationID"))
            .build());
  }

  /** What one row becomes; an {@link IllegalArgumentException} is that row's problem. */
  @FunctionalInterface
  private interface RowReader {
    void read(Row row);
  }

  private static void eachRow(
      Path dir, JsonNode pkg, String name, List<Problem> problems, RowReader reader)
      throws IOException {
    String path = name + ".csv";
    for (JsonNode resource : pkg.path("resources")) {
      if (resource.path("name").asText().equals(name) && resource.path("path").isTextual()) {
        path = resource.path("path").asText();
      }
    }
    Path file = dir.resolve(path).normalize();
    if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
      throw new IOException(
          "the package's " + name + " table " + path + " is not a file in " + dir);
    }
    try (Reader text = new BOMlessReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        MappingIterator<Map<String, String>> it =
            new CsvMapper()
                .readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(text)) {
      long n = 0;
      while (it.hasNext()) {
        Row r = new Row(++n, it.next());
        try {
          reader.read(r);
        } catch (IllegalArgumentException e) {
          problems.add(new Problem(path, r.number(), e.getMessage()));
        }
      }
    } catch (RuntimeException e) {
      throw new IOException(path + " is not a CSV table: " + e.getMessage(), e);
    }
  }

  /**
   * Skips the byte-order mark spreadsheet programs put before the header, which would become part
   * of its first name.
   */
  private static final class BOMlessReader extends FilterReader {
    private boolean first = true;

    BOMlessReader(Reader in) {
      super(in);
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (first && n > 0) {
        first = false;
        if (buf[off] == '\uFEFF') {
          System.arraycopy(buf, off + 1, buf, off, n - 1);
          return n == 1 ? read(buf, off, len) : n - 1;
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (first && c != -1) {
        first = false;
        return c == '\uFEFF' ? super.read() : c;
      }
      return c;
    }
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
      StorableText.problemInText(field, v, max)
          .ifPresent(
              p -> {
                throw new IllegalArgumentException(p);
              });
      return Optional.of(v);
    }

    String required(String field) {
      String v = get(field);
      if (v.isEmpty()) {
        throw new IllegalArgumentException(field + " is empty");
      }
      StorableText.problemInName(field, v, InputLimits.MAX_ID)
          .ifPresent(
              p -> {
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
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "%s %s is outside %s..%s", field, v, min, max));
      }
      return d;
    }

    Instant time(String field) {
      String v = required(field);
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            field + " '" + v + "' is not an ISO 8601 time with its offset");
      }
    }
  }
}
