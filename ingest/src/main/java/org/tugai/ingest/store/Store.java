package org.tugai.ingest.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.config.DbSettings;

/** The PostgreSQL / TimescaleDB store: a connection pool and the schema migrations. */
public final class Store implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Store.class);

  private final HikariDataSource dataSource;

  private Store(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  public static Store open(DbSettings db, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(db.poolSize());
    config.setPoolName(poolName);
    config.setAutoCommit(false);
    // Start even while the database is away: the sink waits and retries instead of refusing to start.
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(5_000);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", poolName);
    return new Store(new HikariDataSource(config));
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Brings the schema up to date; safe to run from every instance (Flyway takes a lock). */
  public void migrate() {
    var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    log.info("store schema at version {} ({} migrations applied)", result.targetSchemaVersion, result.migrationsExecuted);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
