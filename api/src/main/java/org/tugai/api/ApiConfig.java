package org.tugai.api;

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
 */
public record ApiConfig(DbSettings db, HttpSettings http, KafkaSettings kafka) {

  public static ApiConfig from(Settings s) {
    return new ApiConfig(DbSettings.from(s), HttpSettings.from(s), KafkaSettings.from(s));
  }
}
