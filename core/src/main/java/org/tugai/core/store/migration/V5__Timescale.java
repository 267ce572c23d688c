package org.tugai.core.store.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.store.GoodFixes;

/**
 * TimescaleDB where it exists, plain PostgreSQL where it does not: the same schema version either
 * way, so the sink and the API never need to know which one they talk to.
 *
 * <p>With the extension: {@code fixes} and {@code dead_letters} become hypertables, old fix chunks
 * are compressed, dead letters expire, and {@code daily_positions} is a continuous aggregate.
 * Without it, {@code daily_positions} is a plain view with the same columns. Written in Java
 * because a continuous aggregate cannot be created inside a transaction, and because the branch
 * depends on the server.
 */
public class V5__Timescale extends BaseJavaMigration {

  private static final Logger log = LoggerFactory.getLogger(V5__Timescale.class);

  /** Placeholder names (set by {@code Store}) and their defaults. */
  public static final String COMPRESS_AFTER = "fixesCompressAfter";

  public static final String DEAD_LETTER_RETENTION = "deadLetterRetention";

  /** One SQL body for both branches: what a day of an animal's good fixes looks like. */
  static final String DAILY_POSITIONS_SELECT =
      """
      SELECT animal_id, %s AS day, count(*) AS fixes, avg(lat) AS lat, avg(lon) AS lon,
             min(fix_time) AS first_fix, max(fix_time) AS last_fix
        FROM fixes
       WHERE animal_id IS NOT NULL AND\s"""
          + GoodFixes.SQL
          + """
       GROUP BY animal_id, %s""";

  @Override
  public boolean canExecuteInTransaction() {
    return false;
  }

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    Map<String, String> placeholders = context.getConfiguration().getPlaceholders();
    if (timescaleAvailable(c)) {
      String compressAfter = placeholders.getOrDefault(COMPRESS_AFTER, "30 days");
      String retention = placeholders.getOrDefault(DEAD_LETTER_RETENTION, "180 days");
      run(
          c,
          List.of(
              "CREATE EXTENSION IF NOT EXISTS timescaledb",
              // Chunks of a week: a satellite batch hours late lands in a chunk that is still
              // uncompressed.
              "SELECT create_hypertable('fixes', 'fix_time', chunk_time_interval => INTERVAL '7 days', migrate_data => true,"
                  + " create_default_indexes => false, if_not_exists => true)",
              "ALTER TABLE fixes SET (timescaledb.compress, timescaledb.compress_segmentby = 'collar_id',"
                  + " timescaledb.compress_orderby = 'fix_time DESC')",
              "SELECT add_compression_policy('fixes', INTERVAL '"
                  + interval(compressAfter)
                  + "', if_not_exists => true)",
              "SELECT create_hypertable('dead_letters', 'occurred_at', chunk_time_interval => INTERVAL '30 days',"
                  + " migrate_data => true, if_not_exists => true)",
              "SELECT add_retention_policy('dead_letters', INTERVAL '"
                  + interval(retention)
                  + "', if_not_exists => true)",
              "CREATE MATERIALIZED VIEW daily_positions WITH (timescaledb.continuous) AS "
                  + DAILY_POSITIONS_SELECT.formatted(
                      "time_bucket(INTERVAL '1 day', fix_time)",
                      "time_bucket(INTERVAL '1 day', fix_time)")
                  + " WITH NO DATA",
              "SELECT add_continuous_aggregate_policy('daily_positions', start_offset => INTERVAL '30 days',"
                  + " end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour', if_not_exists => true)"));
      log.info(
          "TimescaleDB found: fixes and dead_letters are hypertables (compression after {}, dead letters kept {}),"
              + " daily_positions is a continuous aggregate",
          compressAfter,
          retention);
    } else {
      String day = "date_trunc('day', fix_time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";
      run(
          c,
          List.of("CREATE VIEW daily_positions AS " + DAILY_POSITIONS_SELECT.formatted(day, day)));
      log.info(
          "TimescaleDB not installed on this server: plain PostgreSQL tables, daily_positions is a view");
    }
  }

  private static boolean timescaleAvailable(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")) {
      return rs.next();
    }
  }

  /** Placeholders come from configuration; only a PostgreSQL interval literal may reach the SQL. */
  static String interval(String value) {
    if (!value.matches("\\d{1,5} (minutes?|hours?|days?|weeks?|months?|years?)")) {
      throw new IllegalArgumentException("'" + value + "' is not an interval such as '30 days'");
    }
    return value;
  }

  private static void run(Connection c, List<String> statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }
}
