package org.tugai.api;

import java.time.Duration;
import java.util.List;
import org.tugai.api.layers.LayersEndpoint;
import org.tugai.api.query.Precision;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.HttpSettings;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.Layer;

/**
 * Everything the API needs, validated at start-up.
 *
 * @param db the store ({@code db.*})
 * @param http the listener ({@code http.host}, {@code http.port})
 * @param kafka where acknowledgements go ({@code kafka.*})
 * @param precision {@code api.scientist-embargo} (how old a position must be before a scientist
 *     sees it precisely, default 30d) and {@code api.coarse-grid-deg} (the grid newer positions
 *     snap to, default 0.1°)
 * @param countriesFile {@code api.countries-file}: the countries layer the dashboard draws; by
 *     default the same file as {@code streams.countries-file}, so one setting serves both
 * @param zoneFiles {@code api.zone-files}: zone layers (protected areas, hotspots, population
 *     units); by default {@code streams.zone-files}
 * @param contextFiles {@code api.context-files}: the dashboard's offline context (rivers, lakes,
 *     towns, river names; each feature's {@code layer} property names its layer); by default the
 *     shipped Central Asia file, empty to draw none
 * @param studyName {@code api.study-name}: the {@code study-name} of Movebank exports (default
 *     {@code Tugai})
 * @param camtrapDataLicense {@code api.camtrap-dp.data-license}: the licence of a Camtrap DP
 *     export's data (default CC-BY-4.0)
 * @param camtrapMediaLicense {@code api.camtrap-dp.media-license}: the licence of the media it
 *     refers to (default CC-BY-NC-4.0)
 */
public record ApiConfig(
    DbSettings db,
    HttpSettings http,
    KafkaSettings kafka,
    Precision precision,
    String countriesFile,
    List<String> zoneFiles,
    List<String> contextFiles,
    String studyName,
    String camtrapDataLicense,
    String camtrapMediaLicense) {

  public static ApiConfig from(Settings s) {
    Duration embargo =
        s.duration(
            "api.scientist-embargo", Duration.ofDays(30), Duration.ZERO, Duration.ofDays(3_650));
    String grid = s.string("api.coarse-grid-deg", "0.1");
    double gridDeg;
    try {
      gridDeg = Double.parseDouble(grid);
    } catch (NumberFormatException e) {
      throw new ConfigException("api.coarse-grid-deg", "'" + grid + "' is not a number of degrees");
    }
    if (!(gridDeg >= 0.001 && gridDeg <= 10)) {
      throw new ConfigException(
          "api.coarse-grid-deg", "must be between 0.001 and 10 degrees, not " + grid);
    }
    String countries =
        s.string("api.countries-file", s.string("streams.countries-file", Countries.SHIPPED));
    List<String> zones =
        s.list("api.zone-files", s.list("streams.zone-files", List.of(Layer.SHIPPED_ZONES)));
    List<String> context = s.list("api.context-files", List.of(LayersEndpoint.SHIPPED_CONTEXT));
    String study = s.string("api.study-name", "Tugai");
    org.tugai.schemas.text.StorableText.problemInName("api.study-name", study, 200)
        .ifPresent(
            problem -> {
              throw new ConfigException("api.study-name", problem);
            });
    String dataLicense = license(s, "api.camtrap-dp.data-license", "CC-BY-4.0");
    String mediaLicense = license(s, "api.camtrap-dp.media-license", "CC-BY-NC-4.0");
    return new ApiConfig(
        DbSettings.from(s),
        HttpSettings.from(s),
        KafkaSettings.from(s),
        new Precision(embargo, gridDeg),
        countries,
        zones,
        context,
        study,
        dataLicense,
        mediaLicense);
  }

  /** An SPDX licence id (or any short name) for a package's licences. */
  private static String license(Settings s, String key, String defaultValue) {
    String v = s.string(key, defaultValue).trim();
    if (!v.matches("[A-Za-z0-9.+-]{1,64}")) {
      throw new ConfigException(
          key, "'" + v + "' is not a licence identifier such as CC-BY-4.0 (SPDX)");
    }
    return v;
  }
}
