package org.tugai.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Camtrap DP 1.0 table schemas (deployments, media, observations) and the package profile's
 * required metadata, as the standard states them: field names in order, which are required, their
 * types, ranges and allowed values, and unique primary keys. Written out here from the
 * specification so the test needs no network.
 */
final class CamtrapDpSchema {

  enum Type {
    STRING,
    NUMBER,
    INTEGER,
    BOOLEAN,
    DATETIME
  }

  record Field(
      String name,
      Type type,
      boolean required,
      Double min,
      Double max,
      Set<String> allowed,
      String pattern) {
    static Field of(String name, Type type, boolean required) {
      return new Field(name, type, required, null, null, null, null);
    }

    Field range(double min, double max) {
      return new Field(name, type, required, min, max, allowed, pattern);
    }

    Field oneOf(String... values) {
      return new Field(name, type, required, min, max, Set.of(values), pattern);
    }

    Field matching(String regex) {
      return new Field(name, type, required, min, max, allowed, regex);
    }
  }

  static final Map<String, List<Field>> TABLES =
      Map.of(
          "deployments",
              List.of(
                  Field.of("deploymentID", Type.STRING, true),
                  Field.of("locationID", Type.STRING, false),
                  Field.of("locationName", Type.STRING, false),
                  Field.of("latitude", Type.NUMBER, true).range(-90, 90),
                  Field.of("longitude", Type.NUMBER, true).range(-180, 180),
                  Field.of("coordinateUncertainty", Type.INTEGER, false).range(1, Double.MAX_VALUE),
                  Field.of("deploymentStart", Type.DATETIME, true),
                  Field.of("deploymentEnd", Type.DATETIME, true),
                  Field.of("setupBy", Type.STRING, false),
                  Field.of("cameraID", Type.STRING, false),
                  Field.of("cameraModel", Type.STRING, false),
                  Field.of("cameraDelay", Type.INTEGER, false).range(0, Double.MAX_VALUE),
                  Field.of("cameraHeight", Type.NUMBER, false).range(0, Double.MAX_VALUE),
                  Field.of("cameraDepth", Type.NUMBER, false).range(0, Double.MAX_VALUE),
                  Field.of("cameraTilt", Type.INTEGER, false).range(-90, 90),
                  Field.of("cameraHeading", Type.INTEGER, false).range(0, 360),
                  Field.of("detectionDistance", Type.NUMBER, false).range(0, Double.MAX_VALUE),
                  Field.of("timestampIssues", Type.BOOLEAN, false),
                  Field.of("baitUse", Type.BOOLEAN, false),
                  Field.of("featureType", Type.STRING, false)
                      .oneOf(
                          "roadPaved",
                          "roadDirt",
                          "trailHiking",
                          "trailGame",
                          "roadUnderpass",
                          "roadOverpass",
                          "roadBridge",
                          "culvert",
                          "burrow",
                          "nestSite",
                          "carcass",
                          "waterSource",
                          "fruitingTree"),
                  Field.of("habitat", Type.STRING, false),
                  Field.of("deploymentGroups", Type.STRING, false),
                  Field.of("deploymentTags", Type.STRING, false),
                  Field.of("deploymentComments", Type.STRING, false)),
          "media",
              List.of(
                  Field.of("mediaID", Type.STRING, true),
                  Field.of("deploymentID", Type.STRING, true),
                  Field.of("captureMethod", Type.STRING, false)
                      .oneOf("activityDetection", "timeLapse"),
                  Field.of("timestamp", Type.DATETIME, true),
                  Field.of("filePath", Type.STRING, true),
                  Field.of("filePublic", Type.BOOLEAN, true),
                  Field.of("fileName", Type.STRING, false),
                  Field.of("fileMediatype", Type.STRING, true).matching("^(image|video|audio)/.*$"),
                  Field.of("exifData", Type.STRING, false),
                  Field.of("favorite", Type.BOOLEAN, false),
                  Field.of("mediaComments", Type.STRING, false)),
          "observations",
              List.of(
                  Field.of("observationID", Type.STRING, true),
                  Field.of("deploymentID", Type.STRING, true),
                  Field.of("mediaID", Type.STRING, false),
                  Field.of("eventID", Type.STRING, false),
                  Field.of("eventStart", Type.DATETIME, true),
                  Field.of("eventEnd", Type.DATETIME, true),
                  Field.of("observationLevel", Type.STRING, true).oneOf("media", "event"),
                  Field.of("observationType", Type.STRING, true)
                      .oneOf("animal", "human", "vehicle", "blank", "unknown", "unclassified"),
                  Field.of("cameraSetupType", Type.STRING, false).oneOf("setup", "calibration"),
                  Field.of("scientificName", Type.STRING, false),
                  Field.of("count", Type.INTEGER, false).range(1, Double.MAX_VALUE),
                  Field.of("lifeStage", Type.STRING, false).oneOf("adult", "subadult", "juvenile"),
                  Field.of("sex", Type.STRING, false).oneOf("female", "male"),
                  Field.of("behavior", Type.STRING, false),
                  Field.of("individualID", Type.STRING, false),
                  Field.of("individualPositionRadius", Type.NUMBER, false)
                      .range(0, Double.MAX_VALUE),
                  Field.of("individualPositionAngle", Type.NUMBER, false).range(-90, 90),
                  Field.of("individualSpeed", Type.NUMBER, false).range(0, Double.MAX_VALUE),
                  Field.of("bboxX", Type.NUMBER, false).range(0, 1),
                  Field.of("bboxY", Type.NUMBER, false).range(0, 1),
                  Field.of("bboxWidth", Type.NUMBER, false).range(1e-15, 1),
                  Field.of("bboxHeight", Type.NUMBER, false).range(1e-15, 1),
                  Field.of("classificationMethod", Type.STRING, false).oneOf("human", "machine"),
                  Field.of("classifiedBy", Type.STRING, false),
                  Field.of("classificationTimestamp", Type.DATETIME, false),
                  Field.of("classificationProbability", Type.NUMBER, false).range(0, 1),
                  Field.of("observationTags", Type.STRING, false),
                  Field.of("observationComments", Type.STRING, false)));

  static final Map<String, String> PRIMARY_KEYS =
      Map.of("deployments", "deploymentID", "media", "mediaID", "observations", "observationID");

  private CamtrapDpSchema() {}

  /** Every problem found in the package; empty when it is valid. */
  static List<String> validate(JsonNode pkg, Map<String, String> files) throws IOException {
    List<String> problems = new ArrayList<>();
    if (!pkg.path("profile").asText().equals(org.tugai.api.export.CamtrapDpExport.PROFILE)) {
      problems.add("profile is not Camtrap DP 1.0");
    }
    for (String required :
        List.of(
            "resources",
            "created",
            "contributors",
            "project",
            "spatial",
            "temporal",
            "taxonomic")) {
      if (pkg.path(required).isMissingNode()) {
        problems.add("datapackage.json lacks " + required);
      }
    }
    if (!pkg.path("contributors").isArray()
        || pkg.path("contributors").isEmpty()
        || pkg.path("contributors").get(0).path("title").asText().isEmpty()) {
      problems.add("contributors needs at least one with a title");
    }
    JsonNode project = pkg.path("project");
    for (String required :
        List.of(
            "title", "samplingDesign", "captureMethod", "individualAnimals", "observationLevel")) {
      if (project.path(required).isMissingNode()) {
        problems.add("project lacks " + required);
      }
    }
    if (!Set.of(
            "simpleRandom",
            "systematicRandom",
            "clusteredRandom",
            "experimental",
            "targeted",
            "opportunistic")
        .contains(project.path("samplingDesign").asText())) {
      problems.add("project.samplingDesign is not allowed: " + project.path("samplingDesign"));
    }
    if (!pkg.path("temporal").path("start").asText().matches("\\d{4}-\\d{2}-\\d{2}")) {
      problems.add("temporal.start is not a date");
    }
    Set<String> deploymentIds = new HashSet<>();
    for (String table : List.of("deployments", "media", "observations")) {
      JsonNode resource = null;
      for (JsonNode r : pkg.path("resources")) {
        if (r.path("name").asText().equals(table)) {
          resource = r;
        }
      }
      if (resource == null
          || !resource.path("path").asText().equals(table + ".csv")
          || !resource.path("schema").asText().endsWith("/1.0.2/" + table + "-table-schema.json")) {
        problems.add(
            "resource " + table + " is missing or does not point at the 1.0.2 table schema");
        continue;
      }
      List<Field> fields = TABLES.get(table);
      String csv = files.get(table + ".csv");
      List<String> header = parse(csv).get(0);
      List<String> expected = fields.stream().map(Field::name).toList();
      if (!header.equals(expected)) {
        problems.add(table + ".csv header " + header + " is not " + expected);
        continue;
      }
      Set<String> keys = new HashSet<>();
      int line = 1;
      for (Map<String, String> row : rows(csv)) {
        line++;
        for (Field f : fields) {
          String v = row.get(f.name());
          String where = table + ".csv line " + line + " " + f.name();
          if (v == null || v.isEmpty()) {
            if (f.required()) {
              problems.add(where + " is required");
            }
            continue;
          }
          check(f, v, where, problems);
        }
        if (!keys.add(row.get(PRIMARY_KEYS.get(table)))) {
          problems.add(table + ".csv line " + line + " repeats its primary key");
        }
        if (table.equals("deployments")) {
          deploymentIds.add(row.get("deploymentID"));
        } else if (!deploymentIds.contains(row.get("deploymentID"))) {
          problems.add(
              table
                  + ".csv line "
                  + line
                  + " names an unknown deployment "
                  + row.get("deploymentID"));
        }
      }
    }
    return problems;
  }

  private static void check(Field f, String v, String where, List<String> problems) {
    try {
      switch (f.type()) {
        case NUMBER, INTEGER -> {
          double d = f.type() == Type.INTEGER ? Long.parseLong(v) : Double.parseDouble(v);
          if ((f.min() != null && d < f.min()) || (f.max() != null && d > f.max())) {
            problems.add(where + " = " + v + " is out of range");
          }
        }
        case BOOLEAN -> {
          if (!v.equals("true") && !v.equals("false")) {
            problems.add(where + " = " + v + " is not a boolean");
          }
        }
        case DATETIME -> {
          if (!v.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(Z|[+-]\\d{2}:\\d{2})")) {
            problems.add(where + " = " + v + " is not YYYY-MM-DDThh:mm:ssZ");
          }
          OffsetDateTime.parse(v);
        }
        case STRING -> {}
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      problems.add(where + " = " + v + " is not a " + f.type());
    }
    if (f.allowed() != null && !f.allowed().contains(v)) {
      problems.add(where + " = " + v + " is not one of " + f.allowed());
    }
    if (f.pattern() != null && !v.matches(f.pattern())) {
      problems.add(where + " = " + v + " does not match " + f.pattern());
    }
  }

  static List<Map<String, String>> rows(String csv) throws IOException {
    List<List<String>> all = parse(csv);
    List<Map<String, String>> rows = new ArrayList<>();
    for (List<String> r : all.subList(1, all.size())) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < all.get(0).size(); i++) {
        m.put(all.get(0).get(i), i < r.size() ? r.get(i) : "");
      }
      rows.add(m);
    }
    return rows;
  }

  /** RFC 4180, as readers in R and Python parse it. */
  static List<List<String>> parse(String csv) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    StringReader in = new StringReader(csv);
    for (int ch = in.read(); ch != -1; ch = in.read()) {
      char c = (char) ch;
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          if (in.read() == '"') {
            field.append('"');
          } else {
            in.reset();
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else if (c != '\r') {
        field.append(c);
      }
    }
    return rows;
  }
}
