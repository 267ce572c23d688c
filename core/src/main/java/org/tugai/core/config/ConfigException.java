package org.tugai.core.config;

/** A wrong or missing setting. The message is one line that names the key and the problem. */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String problem) {
    this(key, "config key '" + key + "' (env " + Settings.envName(key) + "): " + problem, true);
  }

  private ConfigException(String key, String message, boolean unused) {
    super(message);
    this.key = key;
  }

  /**
   * The config file itself is the problem (missing, unreadable, not a mapping): there is no key to
   * name.
   */
  public static ConfigException file(String file, String problem) {
    return new ConfigException(
        "--config",
        (file.isEmpty() ? "the config file" : "config file " + file) + ": " + problem,
        true);
  }

  public String key() {
    return key;
  }
}
