package org.tugai.ingest.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * COPY into a session-local staging table, then one {@code INSERT ... SELECT ... ON CONFLICT} into
 * the real one: COPY's speed with an upsert's idempotence. The staging table lives as long as the
 * pooled connection and is emptied at every commit or rollback.
 */
public final class Staging {

  /** Writes the rows of one batch. */
  public interface Rows {
    void writeTo(CopyRows rows) throws SQLException;
  }

  private Staging() {}

  /** Copies the rows into {@code stage} (made like {@code table} on first use in this session). */
  public static void copy(Connection c, String stage, String table, String columns, Rows source)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE IF NOT EXISTS "
              + stage
              + " (LIKE "
              + table
              + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
    }
    CopyRows rows = CopyRows.into(c, stage, columns);
    try {
      source.writeTo(rows);
      rows.finish();
    } catch (SQLException | RuntimeException e) {
      rows.cancel();
      throw e;
    }
  }

  /** Runs the statement that moves staged rows into place. */
  public static int merge(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }
}
