package org.tugai.core.geo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.locationtech.jts.algorithm.LineIntersector;
import org.locationtech.jts.algorithm.RobustLineIntersector;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineSegment;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.operation.distance.IndexedFacetDistance;
import org.locationtech.jts.operation.union.UnaryUnionOp;

/**
 * Country polygons by ISO 3166-1 alpha-3 code, with what crossing detection asks of them: which
 * country a point is in, how far it is from that country's border, and where a segment between two
 * fixes crosses it.
 */
public final class Countries {

  private static final double EARTH_RADIUS_M = 6_371_008.8;

  private final Layer layer;
  private final Map<String, Geometry> byIso = new LinkedHashMap<>();

  /**
   * Per country: an index for repeated nearest-point queries against its border (thousands of
   * vertices).
   */
  private final Map<String, IndexedFacetDistance> borderDistance = new LinkedHashMap<>();

  /** Per country: its border cut into single segments, indexed, for segment crossings. */
  private final Map<String, STRtree> borderSegments = new LinkedHashMap<>();

  public Countries(Layer layer) {
    Map<String, List<Geometry>> parts = new LinkedHashMap<>();
    for (GeoFeature f : layer.features()) {
      parts.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(f.geometry());
    }
    List<GeoFeature> merged = new ArrayList<>();
    // Several features may share a code (Baikonur is KAZ): one geometry per country.
    parts.forEach(
        (iso, geometries) -> {
          Geometry g = geometries.size() == 1 ? geometries.get(0) : UnaryUnionOp.union(geometries);
          byIso.put(iso, g);
          Geometry border = g.getBoundary();
          borderDistance.put(iso, new IndexedFacetDistance(border));
          STRtree segments = new STRtree();
          for (int i = 0; i < border.getNumGeometries(); i++) {
            Coordinate[] line = border.getGeometryN(i).getCoordinates();
            for (int j = 0; j + 1 < line.length; j++) {
              LineSegment segment = new LineSegment(line[j], line[j + 1]);
              segments.insert(new Envelope(line[j], line[j + 1]), segment);
            }
          }
          segments.build();
          borderSegments.put(iso, segments);
          merged.add(new GeoFeature(iso, iso, "country", Map.of("iso_a3", iso), g));
        });
    this.layer = new Layer(layer.name(), merged);
  }

  /**
   * Countries from a GeoJSON file (or {@code classpath:} resource) whose features carry {@code
   * iso_a3}.
   */
  public static Countries load(String location) {
    return new Countries(Layer.load("countries", location, "iso_a3", "country"));
  }

  public static final String SHIPPED =
      "classpath:/org/tugai/geodata/central-asia-admin0-10m.geojson";

  public Optional<String> countryAt(double lat, double lon) {
    List<GeoFeature> found = layer.containing(lat, lon);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).id());
  }

  /**
   * Great-circle distance in metres from the point to the nearest point of the country's border.
   */
  public double distanceToBorderM(double lat, double lon, String iso) {
    IndexedFacetDistance border = borderDistance.get(iso);
    if (border == null) {
      return 0;
    }
    Point p = Layer.GEOMETRY.createPoint(new Coordinate(lon, lat));
    Coordinate nearest = border.nearestPoints(p)[0];
    return haversineM(lat, lon, nearest.y, nearest.x);
  }

  /**
   * Where the straight segment from the fix in {@code fromIso} to the next fix leaves that country:
   * the crossing of the border nearest to the first fix; empty when the segment does not cross it.
   */
  public Optional<Coordinate> crossingPoint(
      double lat1, double lon1, double lat2, double lon2, String fromIso) {
    STRtree segments = borderSegments.get(fromIso);
    if (segments == null) {
      return Optional.empty();
    }
    Coordinate a = new Coordinate(lon1, lat1);
    Coordinate b = new Coordinate(lon2, lat2);
    LineIntersector intersector = new RobustLineIntersector();
    Coordinate best = null;
    double bestDistance = Double.MAX_VALUE;
    for (Object o : segments.query(new Envelope(a, b))) {
      LineSegment border = (LineSegment) o;
      intersector.computeIntersection(a, b, border.p0, border.p1);
      for (int i = 0; i < intersector.getIntersectionNum(); i++) {
        Coordinate c = intersector.getIntersection(i);
        double d = haversineM(lat1, lon1, c.y, c.x);
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  public Layer layer() {
    return layer;
  }

  public static double haversineM(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }
}
