package org.tugai.embedded;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real PostgreSQL server (zonky's binaries from Maven Central) on a free port, data in a temporary folder. */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedPostgres start() throws IOException {
    long t0 = System.nanoTime();
    var postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
        .setPort(FreePorts.pick())
        .setServerConfig("max_connections", "200")
        // The store is throwaway: trade durability for speed, as the demo and tests want.
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .start();
    EmbeddedPostgres pg = new EmbeddedPostgres(postgres);
    log.info("embedded PostgreSQL ready at {} in {} ms", pg.jdbcUrl("postgres"), (System.nanoTime() - t0) / 1_000_000);
    return pg;
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  public String user() {
    return "postgres";
  }

  /** Creates a database if it does not exist yet. */
  public void createDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "")) {
      boolean exists;
      try (var rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'")) {
        exists = rs.next();
      }
      if (!exists) {
        c.createStatement().execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
      }
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
    }
  }
}
