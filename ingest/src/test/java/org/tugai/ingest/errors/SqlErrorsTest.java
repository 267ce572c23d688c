package org.tugai.ingest.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

  @ParameterizedTest(name = "{0} {1} -> retriable {2}")
  @CsvSource({
      "08006, connection failure, true",
      "08001, cannot connect, true",
      "57P01, admin shutdown, true",
      "57P03, cannot connect now, true",
      "53300, too many connections, true",
      "40001, serialization failure, true",
      "40P01, deadlock, true",
      "55P03, lock not available, true",
      "22003, numeric out of range, false",
      "23502, not null violation, false",
      "22P02, invalid text representation, false",
      "42P01, undefined table, false",
      "21000, cardinality violation, false"})
  void classifiesBySqlState(String state, String what, boolean retriable) {
    assertThat(SqlErrors.isRetriable(new SQLException(what, state))).isEqualTo(retriable);
  }

  @Test
  void transientAndIoCausesAreRetriable() {
    assertThat(SqlErrors.isRetriable(new SQLTransientConnectionException("pool timeout"))).isTrue();
    assertThat(SqlErrors.isRetriable(new SQLException("I/O error", null, new EOFException()))).isTrue();
    assertThat(SqlErrors.isRetriable(new SQLException("This connection has been closed."))).isTrue();
    assertThat(SqlErrors.isRetriable(new SQLException("bad data"))).isFalse();
  }
}
