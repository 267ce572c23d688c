package org.tugai.api.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.core.config.ConfigException;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.Layer;

class Rfc7946Test {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void clockwiseExteriorsAndCounterclockwiseHolesAreTurnedAndCollectionPropertiesMoved()
      throws Exception {
    JsonNode fc =
        JSON.readTree(
            """
        {"type": "FeatureCollection", "properties": {"source": "Natural Earth"}, "features": [
          {"type": "Feature", "properties": {"name": "box"}, "geometry": {"type": "Polygon", "coordinates": [
            [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]],
            [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8], [0.2, 0.2]]]}},
          {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[10, 10], [10, 11], [11, 11], [10, 10]]]]}},
          {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [68.12345678912345, 37.98765432198765]}}]}
        """);
    assertThat(GeoJsonConformance.problems(fc, 6)).hasSize(5);

    Rfc7946.normalize(fc);

    assertThat(GeoJsonConformance.problems(fc, 6)).isEmpty();
    assertThat(fc.has("properties")).isFalse();
    assertThat(fc.path("metadata").path("source").asText()).isEqualTo("Natural Earth");
    assertThat(fc.path("features").get(2).path("geometry").path("coordinates").get(0).asDouble())
        .isEqualTo(68.123457);
    // The same ring, only walked the other way.
    assertThat(fc.path("features").get(0).path("geometry").path("coordinates").get(0).toString())
        .isEqualTo("[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,1.0],[0.0,0.0]]");
  }

  @Test
  void aContextFeatureWithoutItsLayerStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("context.geojson");
    Files.writeString(
        file,
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
            + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[68.0,37.0]}}]}");
    assertThatThrownBy(
            () ->
                new LayersEndpoint(
                    Countries.SHIPPED, List.of(Layer.SHIPPED_ZONES), List.of(file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.context-files")
        .hasMessageContaining("'layer' property");
  }

  @Test
  void theShippedLayersAreServedConformant() {
    LayersEndpoint layers =
        new LayersEndpoint(
            Countries.SHIPPED,
            List.of(Layer.SHIPPED_ZONES),
            List.of(LayersEndpoint.SHIPPED_CONTEXT));
    assertThat(layers.names())
        .contains("countries", "protected-area", "rivers", "lakes", "towns", "river-names");
    // The rivers the deer follow, and the towns a ranger names a place by.
    assertThat(layers.json("river-names").toString())
        .contains("Amu Darya", "Panj", "Vakhsh", "Zarafshon");
    assertThat(layers.json("towns").toString()).contains("Termez", "Dushanbe", "Bukhara", "Kunduz");
    // Each layer credits its source for the map to show.
    assertThat(layers.json("towns").path("metadata").path("attribution").asText())
        .isEqualTo("Towns: GeoNames, CC BY 4.0");
    assertThat(layers.json("rivers").path("metadata").path("attribution").asText())
        .contains("GSHHG");
    assertThat(layers.json("countries").path("metadata").path("attribution").asText())
        .isEqualTo("Borders: Natural Earth");
    for (String name : layers.names()) {
      assertThat(GeoJsonConformance.problems(layers.json(name), Rfc7946.DECIMALS))
          .as(name)
          .isEmpty();
    }
  }
}
