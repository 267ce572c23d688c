package org.tugai.core.geo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;

/**
 * A GeoJSON layer of polygons with a spatial index: which features contain a point. Immutable,
 * thread-safe.
 */
public final class Layer {

  static final GeometryFactory GEOMETRY = new GeometryFactory(new PrecisionModel(), 4326);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Indexed(GeoFeature feature, PreparedGeometry prepared) {}

  private final String name;
  private final List<GeoFeature> features;
  private final STRtree index = new STRtree();

  public Layer(String name, List<GeoFeature> features) {
    this.name = name;
    this.features = List.copyOf(features);
    for (GeoFeature f : this.features) {
      index.insert(
          f.geometry().getEnvelopeInternal(),
          new Indexed(f, PreparedGeometryFactory.prepare(f.geometry())));
    }
    index.build();
  }

  /**
   * Reads a GeoJSON FeatureCollection. Each feature's id is the {@code idProperty} property (or the
   * feature id), its type the {@code type} property, or {@code defaultType}.
   */
  public static Layer read(String name, InputStream in, String idProperty, String defaultType)
      throws IOException {
    JsonNode root = JSON.readTree(in);
    if (root == null || !"FeatureCollection".equals(root.path("type").asText())) {
      throw new IOException(name + ": not a GeoJSON FeatureCollection");
    }
    GeoJsonReader reader = new GeoJsonReader(GEOMETRY);
    List<GeoFeature> features = new ArrayList<>();
    int i = 0;
    for (JsonNode f : root.path("features")) {
      JsonNode props = f.path("properties");
      String id =
          props.path(idProperty).isValueNode()
              ? props.path(idProperty).asText()
              : f.path("id").asText("");
      if (id.isEmpty()) {
        throw new IOException(name + ": feature " + i + " has no '" + idProperty + "' property");
      }
      Geometry geometry;
      try {
        geometry = reader.read(f.path("geometry").toString());
      } catch (ParseException e) {
        throw new IOException(
            name + ": feature " + id + " has an unreadable geometry: " + e.getMessage(), e);
      }
      if (!geometry.isValid()) {
        geometry = geometry.buffer(0); // repairs self-touching rings of generalised boundaries
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> properties = JSON.convertValue(props, LinkedHashMap.class);
      features.add(
          new GeoFeature(
              id,
              props.path("name").asText(id),
              props.path("type").asText(defaultType),
              properties,
              geometry));
      i++;
    }
    return new Layer(name, features);
  }

  /**
   * A layer from a file path, or from the class path when the path starts with {@code classpath:}.
   */
  public static Layer load(String name, String location, String idProperty, String defaultType) {
    try (InputStream in = open(location)) {
      return read(name, in, idProperty, defaultType);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read layer " + name + " from " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * The shipped example zones of the Bukhara deer range (approximate; operators supply their own).
   */
  public static final String SHIPPED_ZONES =
      "classpath:/org/tugai/geodata/bukhara-deer-zones.example.geojson";

  /**
   * Opens a file path, or a class path resource when the location starts with {@code classpath:}.
   */
  public static InputStream open(String location) throws IOException {
    if (location.startsWith("classpath:")) {
      InputStream in = Layer.class.getResourceAsStream(location.substring("classpath:".length()));
      if (in == null) {
        throw new IOException("no class path resource " + location);
      }
      return in;
    }
    return Files.newInputStream(Path.of(location));
  }

  public String name() {
    return name;
  }

  public List<GeoFeature> features() {
    return features;
  }

  /** Every feature containing the point (boundary included). */
  public List<GeoFeature> containing(double lat, double lon) {
    Point point = GEOMETRY.createPoint(new Coordinate(lon, lat));
    List<GeoFeature> found = new ArrayList<>(2);
    for (Object o : index.query(new Envelope(lon, lon, lat, lat))) {
      Indexed ix = (Indexed) o;
      if (ix.prepared().covers(point)) {
        found.add(ix.feature());
      }
    }
    return found;
  }
}
