package org.tugai.core.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one classification of failures, per dependency: retriable, poison or systemic. */
class FailureClassificationTest {

  @ParameterizedTest(name = "SQLSTATE {0} ({1}) -> {2}")
  @CsvSource({
    "08006, connection failure, RETRIABLE",
    "08001, cannot connect, RETRIABLE",
    "57P01, admin shutdown, RETRIABLE",
    "57P03, cannot connect now, RETRIABLE",
    "53300, too many connections, RETRIABLE",
    "53100, disk full, RETRIABLE",
    "40001, serialization failure, RETRIABLE",
    "40P01, deadlock, RETRIABLE",
    "55P03, lock not available, RETRIABLE",
    "22003, numeric out of range, POISON",
    "22021, character not in repertoire (a NUL), POISON",
    "23502, not null violation, POISON",
    "23505, unique violation, POISON",
    "22P02, invalid text representation, POISON",
    "21000, cardinality violation, POISON",
    "42P01, undefined table, SYSTEMIC",
    "42703, undefined column, SYSTEMIC",
    "42501, insufficient privilege, SYSTEMIC",
    "28P01, invalid password, SYSTEMIC",
    "28000, invalid authorization, SYSTEMIC",
    "3D000, database does not exist, SYSTEMIC",
    "3F000, schema does not exist, SYSTEMIC",
    "25006, read-only transaction, SYSTEMIC",
    "XX001, data corrupted, SYSTEMIC"
  })
  void sqlBySqlState(String state, String what, Failure expected) {
    assertThat(SqlFailures.classify(new SQLException(what, state))).isEqualTo(expected);
    // The same, wrapped as the batch APIs wrap it.
    assertThat(
            SqlFailures.classify(
                new SQLException("batch failed", null, new SQLException(what, state))))
        .isEqualTo(expected);
  }

  @Test
  void sqlTransientAndIoCausesAreRetriable() {
    assertThat(SqlFailures.classify(new SQLTransientConnectionException("pool timeout")))
        .isEqualTo(Failure.RETRIABLE);
    assertThat(SqlFailures.classify(new SQLException("I/O error", null, new EOFException())))
        .isEqualTo(Failure.RETRIABLE);
    assertThat(SqlFailures.classify(new SQLException("This connection has been closed.")))
        .isEqualTo(Failure.RETRIABLE);
    assertThat(SqlFailures.classify(new SQLException("bad data"))).isEqualTo(Failure.POISON);
    assertThat(SqlFailures.isRetriable(new SQLException("x", "08006"))).isTrue();
  }

  @Test
  void kafka() {
    assertThat(KafkaFailures.classify(new TopicAuthorizationException("not allowed to write")))
        .isEqualTo(Failure.SYSTEMIC);
    assertThat(KafkaFailures.classify(new TransactionalIdAuthorizationException("no")))
        .isEqualTo(Failure.SYSTEMIC);
    assertThat(KafkaFailures.classify(new SaslAuthenticationException("bad password")))
        .isEqualTo(Failure.SYSTEMIC);
    assertThat(KafkaFailures.classify(new RecordTooLargeException("2 MB")))
        .isEqualTo(Failure.POISON);
    assertThat(KafkaFailures.classify(new NotLeaderOrFollowerException("moving")))
        .isEqualTo(Failure.RETRIABLE);
    assertThat(KafkaFailures.classify(new TimeoutException("metadata not fetched in 10 s")))
        .isEqualTo(Failure.RETRIABLE);
    assertThat(
            KafkaFailures.classify(
                new KafkaException("wrapped", new TopicAuthorizationException("x"))))
        .isEqualTo(Failure.SYSTEMIC);
    assertThat(KafkaFailures.classify(new IllegalStateException("producer closed")))
        .isEqualTo(Failure.RETRIABLE);
  }

  @Test
  void mqttReasonCodes() {
    assertThat(MqttFailures.classify(0x87)).as("not authorised").isEqualTo(Failure.SYSTEMIC);
    assertThat(MqttFailures.classify(0x86))
        .as("bad user name or password")
        .isEqualTo(Failure.SYSTEMIC);
    assertThat(MqttFailures.classify(0x8A)).as("banned").isEqualTo(Failure.SYSTEMIC);
    assertThat(MqttFailures.classify(0x90)).as("topic name invalid").isEqualTo(Failure.POISON);
    assertThat(MqttFailures.classify(0x95)).as("packet too large").isEqualTo(Failure.POISON);
    assertThat(MqttFailures.classify(0x97)).as("quota exceeded").isEqualTo(Failure.RETRIABLE);
    assertThat(MqttFailures.classify(0x89)).as("server busy").isEqualTo(Failure.RETRIABLE);
    assertThat(MqttFailures.classify(32109))
        .as("Paho: connection lost")
        .isEqualTo(Failure.RETRIABLE);
    assertThat(MqttFailures.classify(32202))
        .as("Paho: too many publishes in progress")
        .isEqualTo(Failure.RETRIABLE);
  }

  @Test
  void webhooks() {
    assertThat(HttpFailures.classifyStatus(503)).isEqualTo(Failure.RETRIABLE);
    assertThat(HttpFailures.classifyStatus(500)).isEqualTo(Failure.RETRIABLE);
    assertThat(HttpFailures.classifyStatus(429)).isEqualTo(Failure.RETRIABLE);
    assertThat(HttpFailures.classifyStatus(408)).isEqualTo(Failure.RETRIABLE);
    assertThat(HttpFailures.classifyStatus(401))
        .as("our secret is not accepted")
        .isEqualTo(Failure.SYSTEMIC);
    assertThat(HttpFailures.classifyStatus(403)).isEqualTo(Failure.SYSTEMIC);
    assertThat(HttpFailures.classifyStatus(404)).as("the URL is wrong").isEqualTo(Failure.SYSTEMIC);
    assertThat(HttpFailures.classifyStatus(400)).isEqualTo(Failure.POISON);
    assertThat(HttpFailures.classifyStatus(413)).isEqualTo(Failure.POISON);
    assertThat(HttpFailures.classifyStatus(422)).isEqualTo(Failure.POISON);
    assertThat(HttpFailures.classify(new ConnectException("refused"))).isEqualTo(Failure.RETRIABLE);
    assertThat(HttpFailures.classify(new java.net.http.HttpTimeoutException("timed out")))
        .isEqualTo(Failure.RETRIABLE);
    assertThat(HttpFailures.classify(new javax.net.ssl.SSLHandshakeException("unknown CA")))
        .isEqualTo(Failure.SYSTEMIC);
  }
}
