package org.tugai.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.regex.Pattern;
import org.slf4j.Marker;

/**
 * Drops the log lines of one race that Kafka's transactions (v2, KIP-890) resolve by themselves, so
 * the console of {@code bin/tugai demo} and of the services keeps ERROR for what needs a person.
 *
 * <p>Under exactly once, a stream thread begins its next transaction as soon as the last one is
 * committed. When its first send reaches the partition leader before the coordinator has finished
 * the previous commit, the broker answers CONCURRENT_TRANSACTIONS; the batches pipelined behind it
 * then arrive with sequence numbers the leader has not seen the start of, and the broker's
 * ReplicaManager logs each as an ERROR (OutOfOrderSequenceException, "expected sequence 0 ... with
 * no existing state") before the producer re-sends them in order. Nothing is lost or duplicated
 * (the soak verifies that), but a healthy demo printed a dozen ERROR and WARN lines each time.
 *
 * <p>Only these two shapes are dropped: the producer's "retrying" warning for exactly these two
 * error codes, and the in-JVM broker's ERROR whose cause is an out-of-order sequence. A send that
 * finally fails still reaches the service's own error handling and its log.
 */
public final class TransactionRaceNoise extends TurboFilter {

  static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
  static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";
  static final String OUT_OF_ORDER = "org.apache.kafka.common.errors.OutOfOrderSequenceException";
  private static final Pattern RACE_ERROR =
      Pattern.compile("Error: (CONCURRENT_TRANSACTIONS|OUT_OF_ORDER_SEQUENCE_NUMBER)\\b");

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (logger == null) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    // Kafka's own loggers format the message before logback sees it (no parameters): the error is
    // in the text.
    if (name.equals(SENDER)
        && level == Level.WARN
        && format != null
        && format.contains("retrying")
        && (lastParamNamesRaceError(params) || RACE_ERROR.matcher(format).find())) {
      return FilterReply.DENY;
    }
    if (name.equals(REPLICA_MANAGER)
        && level == Level.ERROR
        && t != null
        && t.getClass().getName().equals(OUT_OF_ORDER)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean lastParamNamesRaceError(Object[] params) {
    if (params == null || params.length == 0 || params[params.length - 1] == null) {
      return false;
    }
    String error = params[params.length - 1].toString();
    return error.startsWith("CONCURRENT_TRANSACTIONS")
        || error.startsWith("OUT_OF_ORDER_SEQUENCE_NUMBER");
  }
}
