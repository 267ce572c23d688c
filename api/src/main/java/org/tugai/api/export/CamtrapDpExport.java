package org.tugai.api.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.tugai.api.query.Csv;
import org.tugai.schemas.CameraEventFlags;

/**
 * {@code GET /api/v1/export/camtrap-dp?from&to}: camera data as a Camtrap DP 1.0 package (zip of
 * datapackage.json, deployments.csv, media.csv, observations.csv). Observations are event-based,
 * one per detected object (a blank one for an event with none), classified by machine with the
 * detector's confidence. Events outside any camera deployment with a location cannot be placed
 * (Camtrap DP requires both) and are left out.
 */
public final class CamtrapDpExport {

  public static final String PROFILE =
      "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/camtrap-dp-profile.json";
  static final String SCHEMA_BASE = "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/";
  public static final List<String> DEPLOYMENT_FIELDS =
      List.of(
          "deploymentID",
          "locationID",
          "locationName",
          "latitude",
          "longitude",
          "coordinateUncertainty",
          "deploymentStart",
          "deploymentEnd",
          "setupBy",
          "cameraID",
          "cameraModel",
          "cameraDelay",
          "cameraHeight",
          "cameraDepth",
          "cameraTilt",
          "cameraHeading",
          "detectionDistance",
          "timestampIssues",
          "baitUse",
          "featureType",
          "habitat",
          "deploymentGroups",
          "deploymentTags",
          "deploymentComments");
  public static final List<String> MEDIA_FIELDS =
      List.of(
          "mediaID",
          "deploymentID",
          "captureMethod",
          "timestamp",
          "filePath",
          "filePublic",
          "fileName",
          "fileMediatype",
          "exifData",
          "favorite",
          "mediaComments");
  public static final List<String> OBSERVATION_FIELDS =
      List.of(
          "observationID",
          "deploymentID",
          "mediaID",
          "eventID",
          "eventStart",
          "eventEnd",
          "observationLevel",
          "observationType",
          "cameraSetupType",
          "scientificName",
          "count",
          "lifeStage",
          "sex",
          "behavior",
          "individualID",
          "individualPositionRadius",
          "individualPositionAngle",
          "individualSpeed",
          "bboxX",
          "bboxY",
          "bboxWidth",
          "bboxHeight",
          "classificationMethod",
          "classifiedBy",
          "classificationTimestamp",
          "classificationProbability",
          "observationTags",
          "observationComments");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String EVENTS =
      """
      SELECT e.camera_id, e.event_id, e.captured_at, e.media, e.model, d.deployment_id, e.received_at,
             coalesce(e.ended_at, e.captured_at) AS ended_at, e.quality_flags
        FROM camera_events e
        JOIN LATERAL (SELECT deployment_id FROM deployments
                       WHERE device_id = e.camera_id AND device_type = 'camera' AND NOT retracted AND lat IS NOT NULL
                         AND deploy_on <= e.captured_at AND (deploy_off IS NULL OR e.captured_at < deploy_off)
                       ORDER BY deploy_on DESC LIMIT 1) d ON true
       WHERE e.captured_at >= ? AND e.captured_at < ?
       ORDER BY e.captured_at, e.camera_id, e.event_id""";

  private final DataSource dataSource;
  private final String dataLicense;
  private final String mediaLicense;

  /**
   * @param dataLicense the licence of the package's data (an SPDX id such as CC-BY-4.0), {@code
   *     api.camtrap-dp.data-license}
   * @param mediaLicense the licence of the media files it refers to, {@code
   *     api.camtrap-dp.media-license}
   */
  public CamtrapDpExport(DataSource dataSource, String dataLicense, String mediaLicense) {
    this.dataSource = dataSource;
    this.dataLicense = dataLicense;
    this.mediaLicense = mediaLicense;
  }

  public void handle(Context ctx, Instant from, Instant to) throws Exception {
    ctx.contentType("application/zip");
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"tugai-camtrap-dp-"
            + LocalDate.ofInstant(from, ZoneOffset.UTC)
            + ".zip\"");
    write(ctx.outputStream(), from, to);
  }

  /**
   * The package of what the store holds from {@code from} (inclusive) to {@code to} (exclusive), as
   * a zip.
   */
  public void write(OutputStream out, Instant from, Instant to) throws SQLException, IOException {
    ByteArrayOutputStream deployments = new ByteArrayOutputStream();
    ByteArrayOutputStream media = new ByteArrayOutputStream();
    ByteArrayOutputStream observations = new ByteArrayOutputStream();
    Map<String, Object> pkg;
    try (Connection c = dataSource.getConnection()) {
      try {
        Extent extent = writeDeployments(c, from, to, deployments);
        TreeSet<String> taxa = new TreeSet<>();
        writeEvents(c, from, to, media, observations, taxa);
        pkg = datapackage(from, to, extent.count() > 0 ? extent : everyCamera(c), taxa);
      } finally {
        c.rollback();
      }
    }
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      entry(zip, "datapackage.json", JSON.writeValueAsBytes(pkg));
      entry(zip, "deployments.csv", deployments.toByteArray());
      entry(zip, "media.csv", media.toByteArray());
      entry(zip, "observations.csv", observations.toByteArray());
    }
  }

  /** Where and when the exported deployments are: the package's spatial and temporal coverage. */
  private record Extent(
      double minLat,
      double minLon,
      double maxLat,
      double maxLon,
      int count,
      Instant start,
      Instant end) {}

  /**
   * An export of a time with no deployment still has a spatial coverage (the profile requires one):
   * where the project's cameras ever stood, else the whole globe, never a made-up point at (0, 0).
   */
  private static Extent everyCamera(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT min(lat) AS min_lat, min(lon) AS min_lon, max(lat) AS max_lat, max(lon) AS max_lon, count(*) AS n FROM deployments"
                    + " WHERE device_type = 'camera' AND NOT retracted AND lat IS NOT NULL AND lon IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt("n") == 0
          ? new Extent(-90, -180, 90, 180, 0, null, null)
          : new Extent(
              rs.getDouble("min_lat"),
              rs.getDouble("min_lon"),
              rs.getDouble("max_lat"),
              rs.getDouble("max_lon"),
              0,
              null,
              null);
    }
  }

  private Extent writeDeployments(Connection c, Instant from, Instant to, ByteArrayOutputStream out)
      throws SQLException, IOException {
    double minLat = 90;
    double minLon = 180;
    double maxLat = -90;
    double maxLon = -180;
    int n = 0;
    try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        // A running deployment's end is its last media so far: the data ends there, not at the time
        // of the export.
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT d.deployment_id, d.device_id, d.site_id, d.lat, d.lon, d.deploy_on, d.deploy_off,"
                    + " (SELECT max(e.captured_at) FROM camera_events e WHERE e.camera_id = d.device_id AND e.captured_at >= d.deploy_on"
                    + " AND e.captured_at < ?) AS last_media FROM deployments d"
                    + " WHERE d.device_type = 'camera' AND NOT d.retracted AND d.lat IS NOT NULL AND d.lon IS NOT NULL"
                    + " AND d.deploy_on < ? AND (d.deploy_off IS NULL OR d.deploy_off > ?) ORDER BY d.deployment_id")) {
      Csv.row(w, DEPLOYMENT_FIELDS.toArray(String[]::new));
      ps.setTimestamp(1, Timestamp.from(to));
      ps.setTimestamp(2, Timestamp.from(to));
      ps.setTimestamp(3, Timestamp.from(from));
      Instant start = null;
      Instant last = null;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double lat = rs.getDouble("lat");
          double lon = rs.getDouble("lon");
          minLat = Math.min(minLat, lat);
          maxLat = Math.max(maxLat, lat);
          minLon = Math.min(minLon, lon);
          maxLon = Math.max(maxLon, lon);
          Instant on = rs.getTimestamp("deploy_on").toInstant();
          boolean running = rs.getTimestamp("deploy_off") == null;
          Instant end =
              !running
                  ? rs.getTimestamp("deploy_off").toInstant()
                  : rs.getTimestamp("last_media") == null
                      ? on
                      : rs.getTimestamp("last_media").toInstant();
          start = start == null || on.isBefore(start) ? on : start;
          last = last == null || end.isAfter(last) ? end : last;
          Map<String, String> row = new LinkedHashMap<>();
          row.put("deploymentID", rs.getString("deployment_id"));
          row.put("locationID", rs.getString("site_id"));
          row.put("locationName", rs.getString("site_id"));
          row.put("latitude", Double.toString(lat));
          row.put("longitude", Double.toString(lon));
          row.put("deploymentStart", time(rs.getTimestamp("deploy_on").toInstant()));
          row.put("deploymentEnd", time(end));
          row.put("cameraID", rs.getString("device_id"));
          if (running) {
            row.put(
                "deploymentComments",
                "still running when exported; deploymentEnd is its last media");
          }
          write(w, DEPLOYMENT_FIELDS, row);
          n++;
        }
      }
      return n == 0
          ? new Extent(0, 0, 0, 0, 0, null, null)
          : new Extent(minLat, minLon, maxLat, maxLon, n, start, last);
    }
  }

  private void writeEvents(
      Connection c,
      Instant from,
      Instant to,
      ByteArrayOutputStream mediaOut,
      ByteArrayOutputStream obsOut,
      TreeSet<String> taxa)
      throws SQLException, IOException {
    try (Writer media = new OutputStreamWriter(mediaOut, StandardCharsets.UTF_8);
        Writer obs = new OutputStreamWriter(obsOut, StandardCharsets.UTF_8);
        PreparedStatement events = c.prepareStatement(EVENTS);
        PreparedStatement detections =
            c.prepareStatement(
                "SELECT detection_index, category, species, confidence, count, bbox_x, bbox_y,"
                    + " bbox_w, bbox_h, observation_type, media_index, classified_by, classification_method, life_stage, sex, behavior,"
                    + " observation_id FROM detections WHERE camera_id = ? AND event_id = ? ORDER BY detection_index")) {
      Csv.row(media, MEDIA_FIELDS.toArray(String[]::new));
      Csv.row(obs, OBSERVATION_FIELDS.toArray(String[]::new));
      Set<String> observationIds = new HashSet<>();
      events.setTimestamp(1, Timestamp.from(from));
      events.setTimestamp(2, Timestamp.from(to));
      events.setFetchSize(1_000);
      try (ResultSet e = events.executeQuery()) {
        while (e.next()) {
          String camera = e.getString("camera_id");
          String eventId = e.getString("event_id");
          String captured = time(e.getTimestamp("captured_at").toInstant());
          String ended = time(e.getTimestamp("ended_at").toInstant());
          List<String> flags = List.of((String[]) e.getArray("quality_flags").getArray());
          String deployment = e.getString("deployment_id");
          String classifiedAt = time(e.getTimestamp("received_at").toInstant());
          String eventKey = camera + "/" + eventId;
          String[] files = (String[]) e.getArray("media").getArray();
          for (int i = 0; i < files.length; i++) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("mediaID", eventKey + "/" + i);
            row.put("deploymentID", deployment);
            row.put("captureMethod", "activityDetection");
            // The event's first file at its start, its last at its end (the store keeps no time per
            // file between).
            row.put("timestamp", i > 0 && i == files.length - 1 ? ended : captured);
            boolean url = isUrl(files[i]);
            row.put("filePath", url ? files[i] : relativePath(files[i]));
            // An http(s) address is hosted outside the package for anyone to fetch; a local file is
            // not shared.
            row.put("filePublic", Boolean.toString(url));
            row.put(
                "fileName",
                files[i].substring(
                    Math.max(files[i].lastIndexOf('/'), files[i].lastIndexOf('\\')) + 1));
            row.put("fileMediatype", mediatype(files[i]));
            write(media, MEDIA_FIELDS, row);
          }
          detections.setString(1, camera);
          detections.setString(2, eventId);
          int found = 0;
          try (ResultSet d = detections.executeQuery()) {
            while (d.next()) {
              found++;
              String label = d.getString("species");
              // Only a taxon is a scientificName; a classifier's common label ("bear") goes to the
              // comments.
              String species = label != null && isTaxon(label) ? label : null;
              if (species != null) {
                taxa.add(species);
              }
              // An imported observation keeps its id, unless another package already used it (ids
              // are the table's key).
              String observationId =
                  d.getString("observation_id") != null
                          && observationIds.add(d.getString("observation_id"))
                      ? d.getString("observation_id")
                      : eventKey + "/" + d.getInt("detection_index");
              Map<String, String> row =
                  observation(observationId, deployment, eventKey, captured, ended);
              row.put(
                  "observationType",
                  d.getString("observation_type") != null
                      ? d.getString("observation_type")
                      : type(d.getString("category")));
              row.put("scientificName", species);
              if (label != null && species == null) {
                row.put("observationComments", "classifier label: " + label);
              }
              int count = d.getInt("count");
              row.put("count", d.wasNull() ? null : Integer.toString(Math.max(1, count)));
              // A live detection is the detector's; an imported one says who classified it, or
              // nothing.
              boolean imported = d.getString("observation_type") != null;
              String method =
                  d.getString("classification_method") != null
                      ? d.getString("classification_method")
                      : imported ? null : "machine";
              row.put("classificationMethod", method);
              row.put(
                  "classifiedBy",
                  d.getString("classified_by") != null
                      ? d.getString("classified_by")
                      : imported ? null : e.getString("model"));
              row.put("classificationTimestamp", classifiedAt);
              // A probability is a machine's; a person's classification (imported with none, held
              // as 1) has none.
              row.put(
                  "classificationProbability",
                  "machine".equals(method)
                      ? Double.toString(Math.max(0, Math.min(1, d.getDouble("confidence"))))
                      : null);
              row.put("lifeStage", d.getString("life_stage"));
              row.put("sex", d.getString("sex"));
              row.put("behavior", d.getString("behavior"));
              int mediaIndex = d.getInt("media_index");
              boolean onOneFile = !d.wasNull() && mediaIndex >= 0 && mediaIndex < files.length;
              double x = d.getDouble("bbox_x");
              boolean boxed = !d.wasNull();
              if (onOneFile) {
                // A media-level observation (imported): on its file only, with its box if it has
                // one.
                row.put("mediaID", eventKey + "/" + mediaIndex);
                row.put("observationLevel", "media");
                if (boxed) {
                  box(row, x, d.getDouble("bbox_y"), d.getDouble("bbox_w"), d.getDouble("bbox_h"));
                }
                write(obs, OBSERVATION_FIELDS, row);
                continue;
              }
              write(obs, OBSERVATION_FIELDS, row);
              if (boxed && files.length > 0) {
                // The box belongs to an image: the same observation again at media level, on the
                // event's first medium.
                Map<String, String> onFile = new LinkedHashMap<>(row);
                onFile.put("observationID", observationId + "/box");
                onFile.put("mediaID", eventKey + "/0");
                onFile.put("observationLevel", "media");
                box(onFile, x, d.getDouble("bbox_y"), d.getDouble("bbox_w"), d.getDouble("bbox_h"));
                write(obs, OBSERVATION_FIELDS, onFile);
              }
            }
          }
          if (found == 0) {
            boolean unclassified = flags.contains(CameraEventFlags.UNCLASSIFIED);
            Map<String, String> row =
                observation(
                    eventKey + (unclassified ? "/unclassified" : "/blank"),
                    deployment,
                    eventKey,
                    captured,
                    ended);
            row.put("observationType", unclassified ? "unclassified" : "blank");
            write(obs, OBSERVATION_FIELDS, row);
          }
        }
      }
    }
  }

  private static Map<String, String> observation(
      String id, String deployment, String eventKey, String start, String end) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("observationID", id);
    row.put("deploymentID", deployment);
    row.put("eventID", eventKey);
    row.put("eventStart", start);
    row.put("eventEnd", end);
    row.put("observationLevel", "event");
    return row;
  }

  private static void box(Map<String, String> row, double x, double y, double w, double h) {
    row.put("bboxX", Double.toString(clamp(x)));
    row.put("bboxY", Double.toString(clamp(y)));
    row.put("bboxWidth", Double.toString(Math.max(1e-15, Math.min(1 - clamp(x), w))));
    row.put("bboxHeight", Double.toString(Math.max(1e-15, Math.min(1 - clamp(y), h))));
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  /**
   * A scientific name: a capitalised genus (or higher taxon), then lower-case epithets, as
   * classifiers of taxa write them.
   */
  static boolean isTaxon(String label) {
    return label.matches("[A-Z][a-z]+( [a-z-]+){0,3}");
  }

  static boolean isUrl(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.startsWith("https://") || p.startsWith("http://");
  }

  /**
   * A media path as the media schema wants it, relative and inside the package: backslashes made
   * slashes, a drive letter, leading slashes, {@code ./}, {@code ~} and {@code ..} segments dropped
   * ({@code /data/ct/IMG_1.JPG} becomes {@code data/ct/IMG_1.JPG}).
   */
  static String relativePath(String path) {
    String p = path.replace('\\', '/').replaceFirst("^[A-Za-z]:", "");
    List<String> kept = new ArrayList<>();
    for (String segment : p.split("/")) {
      if (!segment.isEmpty()
          && !segment.equals(".")
          && !segment.equals("..")
          && !segment.equals("~")) {
        kept.add(segment);
      }
    }
    String joined = String.join("/", kept);
    return joined.isEmpty() ? "media" : joined.replaceFirst("^[.~]+", "_");
  }

  static String type(String category) {
    return switch (category) {
      case "animal" -> "animal";
      case "person" -> "human";
      case "vehicle" -> "vehicle";
      default -> "unknown";
    };
  }

  static String mediatype(String file) {
    String f = file.toLowerCase(Locale.ROOT);
    if (f.endsWith(".png")) {
      return "image/png";
    }
    if (f.endsWith(".mp4")) {
      return "video/mp4";
    }
    if (f.endsWith(".avi")) {
      return "video/x-msvideo";
    }
    return "image/jpeg";
  }

  private Map<String, Object> datapackage(
      Instant from, Instant to, Extent extent, TreeSet<String> taxa) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("profile", PROFILE);
    p.put("name", "tugai-camera-traps");
    p.put(
        "title",
        "Tugai camera trap data "
            + LocalDate.ofInstant(from, ZoneOffset.UTC)
            + " to "
            + LocalDate.ofInstant(to, ZoneOffset.UTC));
    p.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    p.put(
        "contributors",
        List.of(Map.of("title", "Tugai field monitoring pipeline", "role", "publisher")));
    p.put(
        "project",
        Map.of(
            "title",
            "Tugai camera traps",
            "samplingDesign",
            "targeted",
            "captureMethod",
            List.of("activityDetection"),
            "individualAnimals",
            false,
            "observationLevel",
            List.of("media", "event")));
    p.put(
        "licenses",
        List.of(
            Map.of("name", dataLicense, "scope", "data"),
            Map.of("name", mediaLicense, "scope", "media")));
    p.put(
        "spatial",
        Map.of(
            "type",
            "Polygon",
            "coordinates",
            List.of(
                List.of(
                    List.of(extent.minLon, extent.minLat),
                    List.of(extent.maxLon, extent.minLat),
                    List.of(extent.maxLon, extent.maxLat),
                    List.of(extent.minLon, extent.maxLat),
                    List.of(extent.minLon, extent.minLat)))));
    // The data's own span (first deployment start, last deployment end), not the dates the export
    // was asked for.
    Instant start = extent.start() == null ? from : extent.start();
    Instant end = extent.end() == null ? to.minusMillis(1) : extent.end();
    p.put(
        "temporal",
        Map.of(
            "start",
            LocalDate.ofInstant(start, ZoneOffset.UTC).toString(),
            "end",
            LocalDate.ofInstant(end, ZoneOffset.UTC).toString()));
    List<Map<String, String>> taxonomic = new ArrayList<>();
    taxa.forEach(t -> taxonomic.add(Map.of("scientificName", t)));
    p.put("taxonomic", taxonomic);
    p.put(
        "resources", List.of(resource("deployments"), resource("media"), resource("observations")));
    return p;
  }

  private static Map<String, Object> resource(String name) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    r.put("path", name + ".csv");
    r.put("profile", "tabular-data-resource");
    r.put("format", "csv");
    r.put("mediatype", "text/csv");
    r.put("encoding", "UTF-8");
    r.put("schema", SCHEMA_BASE + name + "-table-schema.json");
    return r;
  }

  private static void write(Writer w, List<String> fields, Map<String, String> row)
      throws IOException {
    String[] values = new String[fields.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(fields.get(i));
    }
    Csv.row(w, values);
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }
}
