package org.tugai.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Camtrap DP package checked against the TDWG's own files in {@code
 * ../shared/data/camtrap-dp-1.0.2}, read as published, with a maintained JSON Schema validator
 * (networknt): {@code datapackage.json} against the profile (its two references to schemas that
 * cannot be fetched here, Frictionless' data-package and a GeoJSON schema, taken as resolved
 * elsewhere, as that folder's README says), and each CSV row against its table schema turned into a
 * JSON Schema field by field (type, format, required, enum, pattern, minimum, maximum, the schema's
 * missing values). Uniqueness, primary and foreign keys, which JSON Schema cannot say across rows,
 * are checked here.
 */
public final class OfficialCamtrapDp {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIR =
      Path.of(System.getProperty("tugai.root", "..")).resolve("../shared/data/camtrap-dp-1.0.2");
  private static final JsonSchemaFactory DRAFT4 =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
  private static final JsonSchemaFactory DRAFT7 =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

  private OfficialCamtrapDp() {}

  public static boolean available() {
    return Files.isRegularFile(DIR.resolve("camtrap-dp-profile.json"));
  }

  public static List<String> validate(JsonNode datapackage, Map<String, String> files)
      throws IOException {
    List<String> problems = new ArrayList<>();
    JsonNode profile = JSON.readTree(DIR.resolve("camtrap-dp-profile.json").toFile());
    unfetchable(profile);
    JsonSchema schema = DRAFT4.getSchema(profile.toString());
    for (ValidationMessage m : schema.validate(datapackage)) {
      problems.add("datapackage.json: " + m.getMessage());
    }
    Map<String, Map<String, Set<String>>> keys = new HashMap<>();
    for (String table : List.of("deployments", "media", "observations")) {
      JsonNode tableSchema = JSON.readTree(DIR.resolve(table + "-table-schema.json").toFile());
      String csv = files.get(table + ".csv");
      if (csv == null) {
        problems.add(table + ".csv is missing");
        continue;
      }
      problems.addAll(rows(table, tableSchema, csv, keys));
    }
    for (String table : List.of("media", "observations")) {
      JsonNode tableSchema = JSON.readTree(DIR.resolve(table + "-table-schema.json").toFile());
      for (JsonNode fk : tableSchema.path("foreignKeys")) {
        String field = fk.path("fields").asText();
        String target = fk.path("reference").path("resource").asText();
        Set<String> known =
            keys.getOrDefault(target, Map.of())
                .getOrDefault(fk.path("reference").path("fields").asText(), Set.of());
        for (String value : keys.getOrDefault(table, Map.of()).getOrDefault(field, Set.of())) {
          if (!known.contains(value)) {
            problems.add(
                table + "." + field + " '" + value + "' is no " + target + " row (foreign key)");
          }
        }
      }
    }
    return problems;
  }

  /** The profile's two references to schemas on the web: accepted as they are checked elsewhere. */
  private static void unfetchable(JsonNode node) {
    if (node instanceof ObjectNode o) {
      JsonNode ref = o.get("$ref");
      if (ref != null && ref.asText().startsWith("http")) {
        o.remove("$ref");
      }
      o.forEach(OfficialCamtrapDp::unfetchable);
    } else if (node instanceof ArrayNode a) {
      a.forEach(OfficialCamtrapDp::unfetchable);
    }
  }

  private static List<String> rows(
      String table, JsonNode tableSchema, String csv, Map<String, Map<String, Set<String>>> keys)
      throws IOException {
    List<String> problems = new ArrayList<>();
    Set<String> missing = new HashSet<>();
    tableSchema.path("missingValues").forEach(v -> missing.add(v.asText()));
    ObjectNode rowSchema = JSON.createObjectNode();
    rowSchema.put("type", "object");
    ObjectNode properties = rowSchema.putObject("properties");
    ArrayNode required = rowSchema.putArray("required");
    List<String> names = new ArrayList<>();
    Map<String, JsonNode> fields = new HashMap<>();
    for (JsonNode f : tableSchema.path("fields")) {
      String name = f.path("name").asText();
      names.add(name);
      fields.put(name, f);
      properties.set(name, fieldSchema(f));
      if (f.path("constraints").path("required").asBoolean(false)) {
        required.add(name);
      }
    }
    rowSchema.put("additionalProperties", false);
    JsonSchema schema = DRAFT7.getSchema(rowSchema.toString());
    List<List<String>> parsed = CamtrapDpSchema.parse(csv);
    if (parsed.isEmpty() || !parsed.get(0).equals(names)) {
      problems.add(
          table
              + ".csv header "
              + (parsed.isEmpty() ? "[]" : parsed.get(0))
              + " is not the schema's fields "
              + names);
      return problems;
    }
    Map<String, Set<String>> seen = keys.computeIfAbsent(table, t -> new HashMap<>());
    for (int r = 1; r < parsed.size(); r++) {
      List<String> cells = parsed.get(r);
      ObjectNode row = JSON.createObjectNode();
      for (int i = 0; i < names.size() && i < cells.size(); i++) {
        String v = cells.get(i);
        if (missing.contains(v)) {
          continue;
        }
        JsonNode f = fields.get(names.get(i));
        row.set(names.get(i), typed(f, v));
        if (f.path("constraints").path("unique").asBoolean(false)
            && !seen.computeIfAbsent(names.get(i), k -> new HashSet<>()).add(v)) {
          problems.add(
              table + ".csv row " + r + ": " + names.get(i) + " '" + v + "' is not unique");
        } else if (!f.path("constraints").path("unique").asBoolean(false)) {
          seen.computeIfAbsent(names.get(i), k -> new HashSet<>()).add(v);
        }
      }
      for (ValidationMessage m : schema.validate(row)) {
        problems.add(table + ".csv row " + r + ": " + m.getMessage());
      }
    }
    return problems;
  }

  /** A Table Schema field as a JSON Schema for its typed cell. */
  private static ObjectNode fieldSchema(JsonNode f) {
    ObjectNode s = JSON.createObjectNode();
    JsonNode c = f.path("constraints");
    switch (f.path("type").asText()) {
      case "number" -> s.put("type", "number");
      case "integer" -> s.put("type", "integer");
      case "boolean" -> s.put("type", "boolean");
      case "any" -> {}
      default -> s.put("type", "string");
    }
    if (c.has("minimum")) {
      s.set("minimum", c.get("minimum"));
    }
    if (c.has("maximum")) {
      s.set("maximum", c.get("maximum"));
    }
    if (c.has("enum")) {
      s.set("enum", c.get("enum"));
    }
    if (c.has("pattern")) {
      // Table Schema patterns match the whole value; JSON Schema's anywhere.
      s.put("pattern", "^(?:" + c.get("pattern").asText() + ")$");
    }
    return s;
  }

  /**
   * A cell as its field's type; a cell that is not of it stays text, which the JSON Schema then
   * refuses by name.
   */
  private static JsonNode typed(JsonNode f, String v) {
    switch (f.path("type").asText()) {
      case "number" -> {
        try {
          return JSON.getNodeFactory().numberNode(new BigDecimal(v));
        } catch (NumberFormatException e) {
          return JSON.getNodeFactory().textNode(v);
        }
      }
      case "integer" -> {
        try {
          return JSON.getNodeFactory().numberNode(new BigInteger(v));
        } catch (NumberFormatException e) {
          return JSON.getNodeFactory().textNode(v);
        }
      }
      case "boolean" -> {
        return switch (v) {
          case "true", "True", "TRUE", "1" -> JSON.getNodeFactory().booleanNode(true);
          case "false", "False", "FALSE", "0" -> JSON.getNodeFactory().booleanNode(false);
          default -> JSON.getNodeFactory().textNode(v);
        };
      }
      case "datetime" -> {
        // The schemas' format %Y-%m-%dT%H:%M:%S%z: an offset is required.
        try {
          OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
          return JSON.getNodeFactory().textNode(v);
        } catch (DateTimeParseException e) {
          return JSON.getNodeFactory()
              .numberNode(0); // not a string: refused as the wrong type, with the field named
        }
      }
      default -> {
        return JSON.getNodeFactory().textNode(v);
      }
    }
  }
}
