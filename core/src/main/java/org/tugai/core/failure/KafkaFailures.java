package org.tugai.core.failure;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Kafka client errors (producing and consuming): the one place the gateway, streams and the sinks
 * ask.
 */
public final class KafkaFailures {

  private KafkaFailures() {}

  public static Failure classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // Authorisation and authentication: ACLs or credentials; resending changes nothing.
      if (t instanceof AuthorizationException
          || t instanceof AuthenticationException
          || t instanceof UnsupportedVersionException
          || t instanceof InvalidConfigurationException
          || t instanceof InvalidTopicException) {
        return Failure.SYSTEMIC;
      }
      // This record is too big for the broker, or cannot be serialised: it never will be.
      if (t instanceof RecordTooLargeException
          || t instanceof RecordBatchTooLargeException
          || t instanceof SerializationException) {
        return Failure.POISON;
      }
      // Kafka away or busy (a leader moving, the broker down, max.block.ms or delivery.timeout.ms
      // passed).
      if (t instanceof RetriableException || t instanceof TimeoutException) {
        return Failure.RETRIABLE;
      }
    }
    // A closing producer, an interrupted send, and what the client does not name: retried, never
    // dropped.
    return Failure.RETRIABLE;
  }
}
