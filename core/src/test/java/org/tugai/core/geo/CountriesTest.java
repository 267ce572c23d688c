package org.tugai.core.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CountriesTest {

  static Countries countries;
  static Layer zones;

  @BeforeAll
  static void load() {
    countries = Countries.load(Countries.SHIPPED);
    zones =
        Layer.load(
            "zones",
            "classpath:/org/tugai/geodata/bukhara-deer-zones.example.geojson",
            "id",
            "zone");
  }

  @Test
  void placesKnownTownsInTheirCountries() {
    assertThat(countries.countryAt(38.56, 68.78)).contains("TJK"); // Dushanbe
    assertThat(countries.countryAt(37.22, 67.28)).contains("UZB"); // Termez
    assertThat(countries.countryAt(36.70, 67.11)).contains("AFG"); // Mazar-i-Sharif
    assertThat(countries.countryAt(39.08, 63.58)).contains("TKM"); // Turkmenabat
    assertThat(countries.countryAt(43.24, 76.89)).contains("KAZ"); // Almaty
    assertThat(countries.countryAt(45.6, 63.3)).contains("KAZ"); // Baikonur unit belongs to KAZ
    assertThat(countries.countryAt(40.0, 50.0)).isEmpty(); // Caspian Sea
  }

  @Test
  void measuresDistanceToTheBorderInMetres() {
    double dushanbe = countries.distanceToBorderM(38.56, 68.78, "TJK");
    assertThat(dushanbe).isBetween(20_000.0, 80_000.0);
    assertThat(Countries.haversineM(37.0, 68.0, 38.0, 68.0)).isCloseTo(111_195, within(100.0));
  }

  @Test
  void findsWhereASegmentLeavesACountry() {
    // From Tigrovaya Balka (TJK) south across the Panj into Afghanistan.
    double[] tj = {37.25, 68.40};
    double[] af = {36.90, 68.40};
    assertThat(countries.countryAt(tj[0], tj[1])).contains("TJK");
    assertThat(countries.countryAt(af[0], af[1])).contains("AFG");
    var point = countries.crossingPoint(tj[0], tj[1], af[0], af[1], "TJK");
    assertThat(point).isPresent();
    assertThat(point.get().y).isBetween(36.90, 37.25);
    assertThat(point.get().x).isCloseTo(68.40, within(1e-6));
  }

  @Test
  void shippedZonesAreApproximateAndTyped() {
    assertThat(zones.features())
        .hasSizeGreaterThan(20)
        .allSatisfy(f -> assertThat(f.flag("approximate")).isTrue());
    assertThat(zones.containing(37.30, 68.40))
        .extracting(GeoFeature::id)
        .contains("pa-beshai-palangon", "Tj1");
    assertThat(zones.features())
        .extracting(GeoFeature::type)
        .contains("protected-area", "hotspot", "population-unit", "farmland", "hazard");
  }
}
