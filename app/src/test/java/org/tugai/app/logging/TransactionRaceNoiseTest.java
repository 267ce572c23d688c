package org.tugai.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class TransactionRaceNoiseTest {

  static final String RETRY =
      "[Producer clientId=p] Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left). Error: {}";

  LoggerContext context;
  ListAppender<ILoggingEvent> seen;

  @BeforeEach
  void context() {
    context = new LoggerContext();
    TransactionRaceNoise filter = new TransactionRaceNoise();
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
    seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
  }

  @Test
  void theRetriedTransactionRaceIsDropped() {
    context
        .getLogger(TransactionRaceNoise.SENDER)
        .warn(RETRY, 23L, "t-0", 2147483646, "CONCURRENT_TRANSACTIONS");
    context
        .getLogger(TransactionRaceNoise.SENDER)
        .warn(RETRY, 24L, "t-0", 2147483646, "OUT_OF_ORDER_SEQUENCE_NUMBER");
    // As Kafka's LogContext hands it over: formatted already, no parameters.
    context
        .getLogger(TransactionRaceNoise.SENDER)
        .warn(
            "[Producer clientId=p, transactionalId=t] Got error produce response with"
                + " correlation id 23 on topic-partition t-0, retrying (2147483646 attempts left). Error: CONCURRENT_TRANSACTIONS");
    context
        .getLogger(TransactionRaceNoise.REPLICA_MANAGER)
        .error(
            "[ReplicaManager broker=0] Error processing append operation on partition t-0",
            new OutOfOrderSequenceException(
                "Expected sequence 0 for transactions v2 idempotent producer with no existing state."));
    assertThat(seen.list).isEmpty();
  }

  @Test
  void everythingElseIsKept() {
    context
        .getLogger(TransactionRaceNoise.SENDER)
        .warn(RETRY, 25L, "t-0", 3, "NOT_ENOUGH_REPLICAS");
    context
        .getLogger(TransactionRaceNoise.SENDER)
        .warn(
            "[Producer clientId=p] Got error produce response with correlation id 26 on"
                + " topic-partition t-0, retrying (2 attempts left). Error: NOT_LEADER_OR_FOLLOWER");
    context
        .getLogger(TransactionRaceNoise.SENDER)
        .error("fatal", new OutOfOrderSequenceException("x"));
    context
        .getLogger(TransactionRaceNoise.REPLICA_MANAGER)
        .error("append failed", new TopicAuthorizationException("denied"));
    context.getLogger(TransactionRaceNoise.REPLICA_MANAGER).error("no cause");
    context
        .getLogger("org.tugai.streams.StreamsService")
        .error("retrying CONCURRENT_TRANSACTIONS", new OutOfOrderSequenceException("x"));
    assertThat(seen.list)
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(
            Level.WARN, Level.WARN, Level.ERROR, Level.ERROR, Level.ERROR, Level.ERROR);
  }
}
