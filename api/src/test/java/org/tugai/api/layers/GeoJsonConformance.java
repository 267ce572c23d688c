package org.tugai.api.layers;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;

/**
 * An RFC 7946 check written apart from {@link Rfc7946}: parses every geometry with JTS' GeoJSON
 * reader, tests ring orientation with JTS' own {@link Orientation#isCCW}, and lists what breaks
 * §7.1 (members a type must not have), §3.1.6 (right-hand rule) and the stated coordinate
 * precision. Empty means conformant.
 */
public final class GeoJsonConformance {

  private GeoJsonConformance() {}

  public static List<String> problems(JsonNode root, int maxDecimals) {
    List<String> out = new ArrayList<>();
    check(root, "$", maxDecimals, out);
    return out;
  }

  private static void check(JsonNode node, String at, int maxDecimals, List<String> out) {
    String type = node.path("type").asText();
    switch (type) {
      case "FeatureCollection" -> {
        forbid(node, at, out, "properties", "geometry", "coordinates", "geometries");
        for (int i = 0; i < node.path("features").size(); i++) {
          check(node.path("features").get(i), at + ".features[" + i + "]", maxDecimals, out);
        }
      }
      case "Feature" -> {
        forbid(node, at, out, "coordinates", "geometries", "features");
        if (!node.has("properties") || !node.has("geometry")) {
          out.add(at + ": a Feature needs properties and geometry (both may be null)");
        }
        if (!node.path("geometry").isNull()) {
          check(node.path("geometry"), at + ".geometry", maxDecimals, out);
        }
      }
      default -> geometry(node, at, maxDecimals, out);
    }
  }

  private static void forbid(JsonNode node, String at, List<String> out, String... members) {
    for (String m : members) {
      if (node.has(m)) {
        out.add(
            at + ": a " + node.path("type").asText() + " must not have '" + m + "' (RFC 7946 7.1)");
      }
    }
  }

  private static void geometry(JsonNode g, String at, int maxDecimals, List<String> out) {
    forbid(g, at, out, "properties", "geometry", "features");
    try {
      new GeoJsonReader().read(g.toString());
    } catch (ParseException e) {
      out.add(at + ": not a GeoJSON geometry: " + e.getMessage());
      return;
    }
    decimals(g.path("coordinates"), at, maxDecimals, out);
    switch (g.path("type").asText()) {
      case "Polygon" -> rings(g.path("coordinates"), at, out);
      case "MultiPolygon" -> {
        for (int i = 0; i < g.path("coordinates").size(); i++) {
          rings(g.path("coordinates").get(i), at + "[" + i + "]", out);
        }
      }
      case "GeometryCollection" -> {
        for (int i = 0; i < g.path("geometries").size(); i++) {
          geometry(g.path("geometries").get(i), at + ".geometries[" + i + "]", maxDecimals, out);
        }
      }
      default -> {}
    }
  }

  private static void rings(JsonNode rings, String at, List<String> out) {
    for (int r = 0; r < rings.size(); r++) {
      JsonNode ring = rings.get(r);
      Coordinate[] c = new Coordinate[ring.size()];
      for (int i = 0; i < ring.size(); i++) {
        c[i] = new Coordinate(ring.get(i).get(0).asDouble(), ring.get(i).get(1).asDouble());
      }
      if (c.length < 4 || !c[0].equals2D(c[c.length - 1])) {
        out.add(at + " ring " + r + ": not closed or fewer than 4 positions (RFC 7946 3.1.6)");
        continue;
      }
      boolean ccw = Orientation.isCCW(c);
      if (r == 0 && !ccw) {
        out.add(
            at
                + " ring 0: the exterior ring is clockwise; the right-hand rule wants counterclockwise (RFC 7946 3.1.6)");
      } else if (r > 0 && ccw) {
        out.add(
            at
                + " ring "
                + r
                + ": a hole is counterclockwise; the right-hand rule wants clockwise (RFC 7946 3.1.6)");
      }
    }
  }

  private static void decimals(JsonNode coordinates, String at, int maxDecimals, List<String> out) {
    if (coordinates.isNumber()) {
      BigDecimal exact = coordinates.decimalValue().stripTrailingZeros();
      if (exact.scale() > maxDecimals
          && out.stream().noneMatch(p -> p.startsWith(at + ": coordinates"))) {
        out.add(at + ": coordinates with " + exact.scale() + " decimals, more than " + maxDecimals);
      }
      return;
    }
    coordinates.forEach(c -> decimals(c, at, maxDecimals, out));
  }
}
