package org.tugai.core.geo;

import java.util.Map;
import org.locationtech.jts.geom.Geometry;

/**
 * One feature of a reference layer: a country, a protected area, a hotspot, a population unit,
 * farmland, a hazard zone.
 *
 * @param id stable id ({@code iso_a3} for countries, the {@code id} property otherwise)
 * @param name human name
 * @param type protected-area, hotspot, population-unit, farmland, hazard, country, ...
 * @param properties every property of the GeoJSON feature, as read
 */
public record GeoFeature(
    String id, String name, String type, Map<String, Object> properties, Geometry geometry) {

  public boolean flag(String property) {
    return Boolean.TRUE.equals(properties.get(property));
  }
}
