package org.tugai.api.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Makes a GeoJSON object what RFC 7946 asks of what is served: polygons follow the right-hand rule
 * (§3.1.6: exterior rings counterclockwise, holes clockwise), no FeatureCollection or Geometry
 * carries {@code properties} (§7.1: its members move to the foreign member {@code metadata}), and
 * coordinates have at most {@link #DECIMALS} decimals (§11.2: 6 decimals are about 10 cm, finer
 * than the layers are drawn). The operator's files may be either way round; what leaves the API is
 * always this way.
 */
public final class Rfc7946 {

  /** Decimals of layer coordinates: 0.000001 degrees is about 0.1 m. */
  public static final int DECIMALS = 6;

  private static final double SCALE = Math.pow(10, DECIMALS);

  private Rfc7946() {}

  /** Normalizes {@code node} in place and returns it. */
  public static JsonNode normalize(JsonNode node) {
    if (node instanceof ObjectNode o) {
      String type = o.path("type").asText();
      if ((type.equals("FeatureCollection") || isGeometry(type)) && o.has("properties")) {
        JsonNode properties = o.remove("properties");
        if (properties != null && !properties.isNull() && !o.has("metadata")) {
          o.set("metadata", properties);
        }
      }
      switch (type) {
        case "FeatureCollection" -> o.path("features").forEach(Rfc7946::normalize);
        case "Feature" -> normalize(o.path("geometry"));
        case "GeometryCollection" -> o.path("geometries").forEach(Rfc7946::normalize);
        case "Polygon" -> polygon(o.path("coordinates"));
        case "MultiPolygon" -> o.path("coordinates").forEach(Rfc7946::polygon);
        default -> {}
      }
      if (o.has("coordinates")) {
        round(o.get("coordinates"));
      }
    }
    return node;
  }

  private static boolean isGeometry(String type) {
    return switch (type) {
      case "Point",
          "MultiPoint",
          "LineString",
          "MultiLineString",
          "Polygon",
          "MultiPolygon",
          "GeometryCollection" ->
          true;
      default -> false;
    };
  }

  private static void polygon(JsonNode rings) {
    for (int i = 0; i < rings.size(); i++) {
      if (rings.get(i) instanceof ArrayNode ring && ring.size() >= 4) {
        boolean exterior = i == 0;
        if (signedArea(ring) > 0 != exterior) {
          reverse(ring);
        }
      }
    }
  }

  /** Twice the shoelace area in the lon / lat plane: positive counterclockwise. */
  static double signedArea(JsonNode ring) {
    double sum = 0;
    for (int i = 0; i + 1 < ring.size(); i++) {
      JsonNode a = ring.get(i);
      JsonNode b = ring.get(i + 1);
      sum += a.get(0).asDouble() * b.get(1).asDouble() - b.get(0).asDouble() * a.get(1).asDouble();
    }
    return sum;
  }

  private static void reverse(ArrayNode ring) {
    List<JsonNode> positions = new ArrayList<>();
    ring.forEach(positions::add);
    Collections.reverse(positions);
    ring.removeAll();
    positions.forEach(ring::add);
  }

  private static void round(JsonNode coordinates) {
    if (!(coordinates instanceof ArrayNode array)) {
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      JsonNode v = array.get(i);
      if (v.isNumber()) {
        array.set(i, array.numberNode(Math.round(v.asDouble() * SCALE) / SCALE));
      } else {
        round(v);
      }
    }
  }
}
