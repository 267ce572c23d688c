package org.tugai.api;

import java.time.Duration;
import org.tugai.api.query.Precision;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.HttpSettings;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;

/**
 * Everything the API needs, validated at start-up.
 *
 * @param db the store ({@code db.*})
 * @param http the listener ({@code http.host}, {@code http.port})
 * @param kafka where acknowledgements go ({@code kafka.*})
 * @param precision {@code api.scientist-embargo} (how old a position must be before a scientist sees it precisely,
 *     default 30d) and {@code api.coarse-grid-deg} (the grid newer positions snap to, default 0.1°)
 */
public record ApiConfig(DbSettings db, HttpSettings http, KafkaSettings kafka, Precision precision) {

  public static ApiConfig from(Settings s) {
    Duration embargo = s.duration("api.scientist-embargo", Duration.ofDays(30), Duration.ZERO, Duration.ofDays(3_650));
    String grid = s.string("api.coarse-grid-deg", "0.1");
    double gridDeg;
    try {
      gridDeg = Double.parseDouble(grid);
    } catch (NumberFormatException e) {
      throw new ConfigException("api.coarse-grid-deg", "'" + grid + "' is not a number of degrees");
    }
    if (!(gridDeg >= 0.001 && gridDeg <= 10)) {
      throw new ConfigException("api.coarse-grid-deg", "must be between 0.001 and 10 degrees, not " + grid);
    }
    return new ApiConfig(DbSettings.from(s), HttpSettings.from(s), KafkaSettings.from(s), new Precision(embargo, gridDeg));
  }
}
