package org.tugai.core.config;

/** A wrong or missing setting. The message is one line that names the key and the problem. */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String problem) {
    super("config key '" + key + "' (env " + Settings.envName(key) + "): " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
