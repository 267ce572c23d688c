package org.tugai.core.failure;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** PostgreSQL errors by SQLSTATE (PostgreSQL appendix A): the one place the store's callers ask. */
public final class SqlFailures {

  /** "Try again later": the database or the network is away, or busy. */
  private static final Set<String> RETRIABLE_CLASSES =
      Set.of(
          "08", // connection exception
          "53", // insufficient resources (disk full, out of memory, too many connections)
          "57", // operator intervention (admin / crash shutdown, cannot connect now)
          "58", // system error (I/O)
          "40"); // transaction rollback (serialization failure, deadlock)

  private static final Set<String> RETRIABLE_CODES =
      Set.of("55P03" /* lock not available */, "55006" /* object in use */);

  /** No record can be written until someone fixes the database or the configuration. */
  private static final Set<String> SYSTEMIC_CLASSES =
      Set.of(
          "42", // syntax error or access rule violation: a missing table or column, insufficient
          // privilege (42501)
          "28", // invalid authorisation (wrong password, role gone)
          "3D", // invalid catalog name (the database does not exist)
          "3F", // invalid schema name
          "0A", // feature not supported (an extension missing)
          "39", // external routine invocation exception
          "25", // invalid transaction state (read-only transaction: a standby)
          "XX"); // internal error (corruption)

  private SqlFailures() {}

  public static Failure classify(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().length() >= 2) {
        String state = sql.getSQLState();
        String cls = state.substring(0, 2);
        if (RETRIABLE_CODES.contains(state) || RETRIABLE_CLASSES.contains(cls)) {
          return Failure.RETRIABLE;
        }
        if (SYSTEMIC_CLASSES.contains(cls)) {
          return Failure.SYSTEMIC;
        }
        // 22 (data exception: NUL, out of range), 23 (integrity constraint), and the rest: this
        // row.
        return Failure.POISON;
      }
      if (t instanceof SQLInvalidAuthorizationSpecException) {
        return Failure.SYSTEMIC;
      }
      if (t instanceof SQLTransientException
          || t instanceof SQLRecoverableException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof IOException) {
        return Failure.RETRIABLE;
      }
    }
    // pgjdbc reports a broken connection without SQLSTATE in a few paths; a closed connection is
    // never the data's fault.
    return e.getMessage() != null && e.getMessage().contains("connection has been closed")
        ? Failure.RETRIABLE
        : Failure.POISON;
  }

  public static boolean isRetriable(SQLException e) {
    return classify(e) == Failure.RETRIABLE;
  }
}
