package org.tugai.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.config.DbSettings;
import org.tugai.core.store.migration.V5__Timescale;

/**
 * The PostgreSQL / TimescaleDB store: a connection pool and the schema migrations, shared by the
 * sink (which writes) and the API (which reads), so both always agree on the schema.
 */
public final class Store implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Store.class);
  static final String MIGRATIONS = "classpath:org/tugai/core/store/migration";

  private final HikariDataSource dataSource;
  private final DbSettings settings;

  private Store(HikariDataSource dataSource, DbSettings settings) {
    this.dataSource = dataSource;
    this.settings = settings;
  }

  /**
   * A pool of {@code poolSize} connections (at least {@code db.pool-size}), with autocommit off:
   * every writer and reader decides its own transaction.
   */
  public static Store open(DbSettings db, String poolName, int poolSize, boolean readOnly) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(Math.max(db.poolSize(), poolSize));
    config.setPoolName(poolName);
    config.setAutoCommit(false);
    config.setReadOnly(readOnly);
    // With autocommit off, the pool's own queries (the validity check when it opens a connection)
    // would open a transaction and leave the new connection "idle in transaction": on PostgreSQL
    // that holds a snapshot for as long as it idles; a single-session server such as PGlite's
    // TimescaleDB stalls every other connection behind it. Isolated internal queries end their
    // transaction, and an init statement makes the pool end the one its validity check began.
    config.setIsolateInternalQueries(true);
    config.setConnectionInitSql("SELECT 1");
    // Start even while the database is away: the sink waits and retries, the API answers 503.
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(5_000);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", poolName);
    return new Store(new HikariDataSource(config), db);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Brings the schema up to date; safe to run from every instance (Flyway takes a lock). */
  public void migrate() {
    migrate(settings);
  }

  /**
   * The same, before any pool exists: Flyway's connections then never meet the pool's being opened
   * (a single-session server such as PGlite's TimescaleDB loses track of a pipeline when
   * connections interleave).
   */
  public static void migrate(DbSettings settings) {
    var result =
        Flyway.configure()
            .dataSource(settings.url(), settings.user(), settings.password())
            .locations(MIGRATIONS)
            // A session lock instead of one held in a transaction: no connection waits on another's
            // open transaction (single-session servers such as PGlite's TimescaleDB would otherwise
            // stall).
            .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
            .placeholders(
                Map.of(
                    V5__Timescale.COMPRESS_AFTER,
                    settings.compressFixesAfter(),
                    V5__Timescale.DEAD_LETTER_RETENTION,
                    settings.deadLetterRetention()))
            .load()
            .migrate();
    log.info(
        "store schema at version {} ({} migrations applied)",
        result.targetSchemaVersion,
        result.migrationsExecuted);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
