package org.tugai.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.tugai.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL a store benchmark runs on: TUGAI_DB_URL if given (a fresh database on it), else an
 * embedded server.
 */
final class BenchDatabase implements AutoCloseable {

  final String url;
  final String user;
  final String password;
  private final EmbeddedPostgres embedded;

  BenchDatabase(String name) throws Exception {
    String server = System.getenv("TUGAI_DB_URL");
    if (server != null) {
      embedded = null;
      user = System.getenv().getOrDefault("TUGAI_DB_USER", "postgres");
      password = System.getenv().getOrDefault("TUGAI_DB_PASSWORD", "");
      try (Connection c = DriverManager.getConnection(server, user, password)) {
        c.createStatement().execute("DROP DATABASE IF EXISTS " + name);
        c.createStatement().execute("CREATE DATABASE " + name);
      }
      url = server.substring(0, server.lastIndexOf('/') + 1) + name;
      System.out.println("database: " + url + " (from TUGAI_DB_URL)");
    } else {
      embedded = EmbeddedPostgres.start();
      embedded.createDatabase(name);
      user = embedded.user();
      password = "";
      url = embedded.jdbcUrl(name);
      System.out.println(
          "database: embedded PostgreSQL at " + url + " (set TUGAI_DB_URL to use another server)");
    }
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
