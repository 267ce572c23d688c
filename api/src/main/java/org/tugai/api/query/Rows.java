package org.tugai.api.query;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Locale;

/**
 * Result rows as JSON objects: snake_case columns become camelCase keys, times ISO-8601 UTC, arrays
 * lists.
 */
final class Rows {

  private Rows() {}

  static String camel(String column) {
    StringBuilder b = new StringBuilder(column.length());
    boolean up = false;
    for (char ch : column.toLowerCase(Locale.ROOT).toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return b.toString();
  }

  /** Writes the current row as one object. */
  static void write(ResultSet rs, JsonGenerator json) throws SQLException, IOException {
    ResultSetMetaData md = rs.getMetaData();
    json.writeStartObject();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      json.writeFieldName(camel(md.getColumnLabel(i)));
      value(rs, i, md.getColumnType(i), md.getColumnTypeName(i), json);
    }
    json.writeEndObject();
  }

  private static void value(ResultSet rs, int i, int type, String typeName, JsonGenerator json)
      throws SQLException, IOException {
    switch (type) {
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
        Timestamp t = rs.getTimestamp(i);
        if (t == null) {
          json.writeNull();
        } else {
          json.writeString(t.toInstant().toString());
        }
      }
      case Types.ARRAY -> {
        Array a = rs.getArray(i);
        if (a == null) {
          json.writeNull();
        } else {
          json.writeStartArray();
          for (Object o : (Object[]) a.getArray()) {
            json.writeString(String.valueOf(o));
          }
          json.writeEndArray();
        }
      }
      case Types.DOUBLE, Types.REAL, Types.NUMERIC -> {
        double d = rs.getDouble(i);
        if (rs.wasNull()) {
          json.writeNull();
        } else {
          json.writeNumber(d);
        }
      }
      case Types.INTEGER, Types.BIGINT, Types.SMALLINT -> {
        long l = rs.getLong(i);
        if (rs.wasNull()) {
          json.writeNull();
        } else {
          json.writeNumber(l);
        }
      }
      case Types.BOOLEAN, Types.BIT -> {
        boolean b = rs.getBoolean(i);
        if (rs.wasNull()) {
          json.writeNull();
        } else {
          json.writeBoolean(b);
        }
      }
      default -> {
        String s = rs.getString(i);
        if (s == null) {
          json.writeNull();
        } else if ("jsonb".equals(typeName) || "json".equals(typeName)) {
          json.writeRawValue(s);
        } else {
          json.writeString(s);
        }
      }
    }
  }
}
