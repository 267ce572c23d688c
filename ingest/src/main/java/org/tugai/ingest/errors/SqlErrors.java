package org.tugai.ingest.errors;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * The one place that decides whether a database error is worth retrying (the database or the network is
 * away, or busy) or means the data itself is bad (poison: retrying would fail forever).
 */
public final class SqlErrors {

  /** SQLSTATE classes and codes that say "try again later" (PostgreSQL appendix A). */
  private static final Set<String> RETRIABLE_CLASSES = Set.of(
      "08", // connection exception
      "53", // insufficient resources (disk full, out of memory, too many connections)
      "57", // operator intervention (admin / crash shutdown, cannot connect now)
      "58", // system error (I/O)
      "40"); // transaction rollback (serialization failure, deadlock)
  private static final Set<String> RETRIABLE_CODES = Set.of("55P03" /* lock not available */, "55006" /* object in use */);

  private SqlErrors() {}

  public static boolean isRetriable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (RETRIABLE_CODES.contains(state) || (state.length() >= 2 && RETRIABLE_CLASSES.contains(state.substring(0, 2)))) {
          return true;
        }
      }
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    // pgjdbc reports a broken connection without SQLSTATE in a few paths; a closed connection is never the data's fault.
    return e.getSQLState() == null && e.getMessage() != null && e.getMessage().contains("connection has been closed");
  }
}
