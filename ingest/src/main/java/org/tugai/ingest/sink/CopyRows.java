package org.tugai.ingest.sink;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HexFormat;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's COPY text format, streamed into a table. Text rather than binary: it is what
 * {@code COPY ... FROM STDIN} parses fastest after binary, and a bad value fails with a readable
 * message that names the column, which is what an operator reads in the dead letter.
 */
public final class CopyRows {

  private static final int FLUSH_AT = 1 << 16;
  private static final HexFormat HEX = HexFormat.of();

  private final StringBuilder row = new StringBuilder(512);
  private final CopyIn copy;
  private boolean firstField = true;

  private CopyRows(CopyIn copy) {
    this.copy = copy;
  }

  /** Starts {@code COPY table (columns) FROM STDIN} on the caller's connection and transaction. */
  public static CopyRows into(Connection c, String table, String columns) throws SQLException {
    CopyIn copy =
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
    return new CopyRows(copy);
  }

  public CopyRows text(String v) {
    separate();
    if (v == null) {
      row.append("\\N");
    } else {
      escape(v, row);
    }
    return this;
  }

  public CopyRows number(Double v) {
    separate();
    if (v == null) {
      row.append("\\N");
    } else if (v.isNaN() || v.isInfinite()) {
      // NaN never means a measurement; the contract says null (and streams never emits one).
      row.append("\\N");
    } else {
      row.append(v.doubleValue());
    }
    return this;
  }

  public CopyRows integer(Number v) {
    separate();
    row.append(v == null ? "\\N" : String.valueOf(v.longValue()));
    return this;
  }

  public CopyRows bool(Boolean v) {
    separate();
    row.append(v == null ? "\\N" : (v ? "t" : "f"));
    return this;
  }

  public CopyRows time(Instant v) {
    separate();
    row.append(v == null ? "\\N" : OffsetDateTime.ofInstant(v, ZoneOffset.UTC).toString());
    return this;
  }

  /** A text[] value: each element double-quoted inside the array literal, then escaped for COPY. */
  public CopyRows array(Collection<? extends CharSequence> values) {
    separate();
    StringBuilder literal = new StringBuilder(2 + 16 * values.size()).append('{');
    boolean first = true;
    for (CharSequence v : values) {
      if (!first) {
        literal.append(',');
      }
      first = false;
      literal.append('"');
      for (int i = 0; i < v.length(); i++) {
        char ch = v.charAt(i);
        if (ch == '"' || ch == '\\') {
          literal.append('\\');
        }
        literal.append(ch);
      }
      literal.append('"');
    }
    escape(literal.append('}'), row);
    return this;
  }

  public CopyRows bytes(byte[] v) {
    separate();
    // bytea hex input is "\x..."; COPY text needs the backslash doubled.
    row.append("\\\\x").append(HEX.formatHex(v));
    return this;
  }

  /** Ends the row; sends what has built up once it is worth a network write. */
  public void endRow() throws SQLException {
    row.append('\n');
    firstField = true;
    if (row.length() >= FLUSH_AT) {
      flush();
    }
  }

  /** Finishes the COPY; returns the rows the server took. */
  public long finish() throws SQLException {
    flush();
    return copy.endCopy();
  }

  /**
   * Abandons the COPY after an error on our side, so the connection can be rolled back and reused.
   */
  public void cancel() {
    try {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException ignored) {
      // The transaction is rolled back by the caller either way.
    }
  }

  private void flush() throws SQLException {
    if (row.length() > 0) {
      byte[] bytes = row.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      row.setLength(0);
    }
  }

  private void separate() {
    if (!firstField) {
      row.append('\t');
    }
    firstField = false;
  }

  static void escape(CharSequence v, StringBuilder out) {
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      switch (ch) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(ch);
      }
    }
  }
}
