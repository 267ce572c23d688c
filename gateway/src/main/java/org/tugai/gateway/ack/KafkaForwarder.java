package org.tugai.gateway.ack;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.failure.KafkaFailures;
import org.tugai.gateway.GatewayMetrics;

/**
 * Sends the records of one MQTT message and acknowledges the message only once Kafka acknowledged
 * every one of them ({@code acks=all}). What a send error means is {@link KafkaFailures}' to say: a
 * retriable one (Kafka away, a leader moving) is sent again after a back-off, for as long as it
 * takes, the message staying unacknowledged meanwhile so that the broker keeps it and stops sending
 * more once the receive maximum is reached; a poison record (too large for the broker) is replaced
 * by a dead letter saying so; a systemic error (not authorised) stops the gateway's intake, the
 * message unacknowledged, instead of stalling silently.
 */
public final class KafkaForwarder {

  private static final Logger log = LoggerFactory.getLogger(KafkaForwarder.class);

  private final Producer<String, byte[]> producer;
  private final ScheduledExecutorService retries;
  private final Duration backoff;
  private final GatewayMetrics metrics;

  /** Makes the dead letter that stands in for a record Kafka will never take. */
  @FunctionalInterface
  public interface DeadLetters {
    ProducerRecord<String, byte[]> instead(ProducerRecord<String, byte[]> record, String reason);
  }

  private final String deadLetterTopic;
  private final DeadLetters deadLetters;
  private final Consumer<String> systemic;

  /**
   * @param deadLetters the dead letter for a poison record
   * @param systemic told (once per record) why Kafka refuses the gateway's records: the caller
   *     stops intake
   */
  public KafkaForwarder(
      Producer<String, byte[]> producer,
      ScheduledExecutorService retries,
      Duration backoff,
      GatewayMetrics metrics,
      String deadLetterTopic,
      DeadLetters deadLetters,
      Consumer<String> systemic) {
    this.deadLetterTopic = deadLetterTopic;
    this.producer = producer;
    this.retries = retries;
    this.backoff = backoff;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.systemic = systemic;
  }

  /**
   * Sends {@code records}; runs {@code ack} once, after the last of them is acknowledged by Kafka.
   */
  public void forward(List<ProducerRecord<String, byte[]>> records, Runnable ack) {
    long arrived = System.nanoTime();
    AtomicInteger outstanding = new AtomicInteger(records.size());
    Runnable done =
        () -> {
          metrics.acknowledged(Duration.ofNanos(System.nanoTime() - arrived));
          ack.run();
        };
    if (records.isEmpty()) {
      done.run();
      return;
    }
    for (ProducerRecord<String, byte[]> record : records) {
      send(record, outstanding, done, 0);
    }
  }

  private void send(
      ProducerRecord<String, byte[]> record,
      AtomicInteger outstanding,
      Runnable done,
      int attempt) {
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              metrics.produced(record.topic());
              if (outstanding.decrementAndGet() == 0) {
                done.run();
              }
            } else {
              failed(record, outstanding, done, attempt, error);
            }
          });
    } catch (KafkaException e) {
      // send() itself fails when metadata cannot be fetched in max.block.ms (Kafka down) or the
      // producer is closing.
      failed(record, outstanding, done, attempt, e);
    }
  }

  private void failed(
      ProducerRecord<String, byte[]> record,
      AtomicInteger outstanding,
      Runnable done,
      int attempt,
      Exception error) {
    switch (KafkaFailures.classify(error)) {
      case RETRIABLE -> retryLater(record, outstanding, done, attempt, error);
      case POISON -> {
        if (record.topic().equals(deadLetterTopic)) {
          // A dead letter Kafka will not take either: nothing smaller to send; keep the message
          // with the broker.
          systemic.accept("Kafka refuses dead letters on " + record.topic() + ": " + error);
          return;
        }
        log.error(
            "Kafka will never take this record for {} ({}); a dead letter goes instead",
            record.topic(),
            error.toString());
        send(
            deadLetters.instead(record, "Kafka refused the record: " + error),
            outstanding,
            done,
            0);
      }
      case SYSTEMIC ->
          systemic.accept(
              "Kafka refuses the gateway's records for "
                  + record.topic()
                  + ": "
                  + error
                  + "; check the gateway's Kafka credentials and ACLs");
    }
  }

  private void retryLater(
      ProducerRecord<String, byte[]> record,
      AtomicInteger outstanding,
      Runnable done,
      int attempt,
      Exception error) {
    metrics.retried();
    long delay = Math.min(backoff.toMillis() << Math.min(attempt, 5), 30_000);
    if (attempt == 0 || attempt % 10 == 0) {
      log.warn(
          "Kafka did not take a record for {} (attempt {}): {}; retrying in {} ms, the MQTT message stays unacknowledged",
          record.topic(),
          attempt + 1,
          error.toString(),
          delay);
    }
    try {
      retries.schedule(
          () -> send(record, outstanding, done, attempt + 1), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      log.info(
          "gateway is stopping: a record for {} stays unacknowledged and will be redelivered by the broker",
          record.topic());
    }
  }
}
