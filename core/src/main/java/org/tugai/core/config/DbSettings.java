package org.tugai.core.config;

/**
 * The PostgreSQL / TimescaleDB store.
 *
 * @param url {@code db.url}, a jdbc:postgresql:// URL
 * @param user {@code db.user}
 * @param password {@code db.password}, may be empty for trust authentication
 * @param poolSize {@code db.pool-size}: connections per service at least (the sink takes one per
 *     writer thread)
 * @param compressFixesAfter {@code db.timescale.compress-fixes-after}: with TimescaleDB, age at
 *     which fix chunks are compressed, e.g. {@code 30 days}
 * @param deadLetterRetention {@code db.timescale.dead-letter-retention}: with TimescaleDB, how long
 *     dead letters are kept, e.g. {@code 180 days}
 */
public record DbSettings(
    String url,
    String user,
    String password,
    int poolSize,
    String compressFixesAfter,
    String deadLetterRetention) {

  private static final String INTERVAL = "\\d{1,5} (minutes?|hours?|days?|weeks?|months?|years?)";

  public static DbSettings from(Settings s) {
    String url = s.string("db.url");
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new ConfigException(
          "db.url", "'" + url + "' is not a jdbc:postgresql://host:port/database URL");
    }
    return new DbSettings(
        url,
        s.string("db.user", "postgres"),
        s.string("db.password", ""),
        s.integer("db.pool-size", 4, 1, 200),
        interval(s, "db.timescale.compress-fixes-after", "30 days"),
        interval(s, "db.timescale.dead-letter-retention", "180 days"));
  }

  private static String interval(Settings s, String key, String fallback) {
    String value = s.string(key, fallback).strip();
    if (!value.matches(INTERVAL)) {
      throw new ConfigException(
          key,
          "'"
              + value
              + "' is not an interval such as '30 days' (minutes, hours, days, weeks, months, years)");
    }
    return value;
  }

  @Override
  public String toString() {
    return "DbSettings[url=" + url + ", user=" + user + "]";
  }
}
