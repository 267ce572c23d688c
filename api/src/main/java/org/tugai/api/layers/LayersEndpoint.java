package org.tugai.api.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tugai.core.config.ConfigException;
import org.tugai.core.geo.Layer;

/**
 * {@code GET /api/v1/layers} and {@code /api/v1/layers/{name}}: the operator's geodata as GeoJSON,
 * so the dashboard draws countries, protected areas, hotspots and population units without any tile
 * server. {@code countries} is the countries file; every other name is a zone {@code type} from the
 * zone files (protected-area, hotspot, population-unit, ...), and the context files add theirs by
 * each feature's {@code layer} property (rivers, lakes, towns, river-names), so another region's
 * layers work unchanged.
 */
public final class LayersEndpoint {

  /**
   * Rivers and lakes (GSHHG 2.3.7), towns (GeoNames) and river names of the Bukhara deer range; the
   * README next to it says where each comes from.
   */
  public static final String SHIPPED_CONTEXT =
      "classpath:/org/tugai/geodata/central-asia-context.geojson";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, byte[]> layers = new LinkedHashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();

  /** The layers the context files brought. */
  private final Set<String> context = new HashSet<>();

  public LayersEndpoint(String countriesFile, List<String> zoneFiles, List<String> contextFiles) {
    ObjectNode countries = read(countriesFile, "api.countries-file");
    put("countries", countries);
    Map<String, ObjectNode> byType = new LinkedHashMap<>();
    for (String file : zoneFiles) {
      for (JsonNode feature : read(file, "api.zone-files").path("features")) {
        String type = feature.path("properties").path("type").asText("zone");
        byType.computeIfAbsent(type, t -> collection()).withArray("features").add(feature);
      }
    }
    for (String file : contextFiles) {
      for (JsonNode feature : read(file, "api.context-files").path("features")) {
        String layer = feature.path("properties").path("layer").asText("");
        if (layer.isEmpty() || byType.containsKey(layer) && !context.contains(layer)) {
          throw new ConfigException(
              "api.context-files",
              file
                  + ": every feature needs a 'layer' property (rivers, lakes, towns, ...) that no"
                  + " zone type uses; found '"
                  + layer
                  + "'");
        }
        context.add(layer);
        byType.computeIfAbsent(layer, t -> collection()).withArray("features").add(feature);
      }
    }
    byType.forEach(this::put);
  }

  private static ObjectNode collection() {
    ObjectNode c = JSON.createObjectNode();
    c.put("type", "FeatureCollection");
    c.putArray("features");
    return c;
  }

  private void put(String name, ObjectNode collection) {
    // Where the layer's data comes from, for the map to credit while it shows the layer.
    Set<String> credits = new LinkedHashSet<>();
    for (JsonNode feature : collection.path("features")) {
      JsonNode p = feature.path("properties");
      if (p.path("attribution").isTextual()) {
        credits.add(p.path("attribution").asText());
      } else if (p.path("source").asText("").startsWith("Natural Earth")) {
        credits.add("Borders: Natural Earth");
      }
    }
    if (!credits.isEmpty()) {
      JsonNode metadata = collection.path("metadata");
      ObjectNode m = metadata.isObject() ? (ObjectNode) metadata : collection.putObject("metadata");
      m.put("attribution", String.join("; ", credits));
    }
    try {
      layers.put(name, JSON.writeValueAsBytes(Rfc7946.normalize(collection)));
      counts.put(name, collection.path("features").size());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode read(String location, String key) {
    try (InputStream in = Layer.open(location)) {
      JsonNode root = JSON.readTree(in);
      if (root == null
          || !"FeatureCollection".equals(root.path("type").asText())
          || !(root.path("features") instanceof ArrayNode)) {
        throw new ConfigException(key, location + " is not a GeoJSON FeatureCollection");
      }
      return (ObjectNode) root;
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + location + ": " + e.getMessage());
    }
  }

  /** The names of the layers served. */
  public Set<String> names() {
    return counts.keySet();
  }

  /** A layer as served, parsed back (for checks). */
  JsonNode json(String name) {
    try {
      return JSON.readTree(layers.get(name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The layer names and how many features each has. */
  public void index(Context ctx) {
    ctx.json(counts);
  }

  public void layer(Context ctx) {
    byte[] body = layers.get(ctx.pathParam("name"));
    if (body == null) {
      throw new NotFoundResponse(
          "no layer '" + ctx.pathParam("name") + "'; there are " + counts.keySet());
    }
    ctx.contentType("application/geo+json").result(body);
  }
}
