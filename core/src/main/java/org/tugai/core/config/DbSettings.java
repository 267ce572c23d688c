package org.tugai.core.config;

/**
 * The PostgreSQL / TimescaleDB store.
 *
 * @param url {@code db.url}, a jdbc:postgresql:// URL
 * @param user {@code db.user}
 * @param password {@code db.password}, may be empty for trust authentication
 * @param poolSize {@code db.pool-size}
 */
public record DbSettings(String url, String user, String password, int poolSize) {

  public static DbSettings from(Settings s) {
    String url = s.string("db.url");
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new ConfigException("db.url", "'" + url + "' is not a jdbc:postgresql://host:port/database URL");
    }
    return new DbSettings(url, s.string("db.user", "postgres"), s.string("db.password", ""), s.integer("db.pool-size", 4, 1, 200));
  }

  @Override
  public String toString() {
    return "DbSettings[url=" + url + ", user=" + user + "]";
  }
}
