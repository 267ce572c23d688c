package org.tugai.streams.geo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.GeoFeature;
import org.tugai.core.geo.Layer;

/**
 * Countries and zone layers the topology enriches with: loaded once, immutable, shared by all
 * tasks.
 */
public final class Geodata {

  public static final String SHIPPED_ZONES = Layer.SHIPPED_ZONES;

  private final Countries countries;
  private final List<Layer> zones;

  private final Map<String, GeoFeature> byId = new HashMap<>();

  public Geodata(Countries countries, List<Layer> zones) {
    this.countries = countries;
    this.zones = List.copyOf(zones);
    for (Layer layer : this.zones) {
      layer.features().forEach(f -> byId.putIfAbsent(f.id(), f));
    }
  }

  /** The zone with this id, as fixes name it in their zones. */
  public Optional<GeoFeature> zone(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public static Geodata load(String countriesFile, List<String> zoneFiles) {
    List<Layer> layers = new ArrayList<>();
    for (String file : zoneFiles) {
      layers.add(Layer.load(file, file, "id", "zone"));
    }
    return new Geodata(Countries.load(countriesFile), layers);
  }

  public Countries countries() {
    return countries;
  }

  public Optional<String> countryAt(double lat, double lon) {
    return countries.countryAt(lat, lon);
  }

  public List<GeoFeature> zonesAt(double lat, double lon) {
    List<GeoFeature> found = new ArrayList<>();
    for (Layer layer : zones) {
      found.addAll(layer.containing(lat, lon));
    }
    return found;
  }

  /** The first zone of the given type at the point. */
  public Optional<GeoFeature> zoneAt(double lat, double lon, String type) {
    return zonesAt(lat, lon).stream().filter(z -> z.type().equals(type)).findFirst();
  }

  public int featureCount() {
    return zones.stream().mapToInt(l -> l.features().size()).sum();
  }
}
