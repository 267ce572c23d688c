package org.tugai.core.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The two ways Tugai reads a topic outside a consumer group's commit loop: to its end as it stands
 * now (a registry loading, a verifier), and following it until stopped. One place for the end
 * check, the deadline and the shutdown, which each hand-written loop got slightly differently.
 */
public final class PollLoop {

  private static final Duration POLL = Duration.ofMillis(200);

  private PollLoop() {}

  /**
   * Every partition of {@code topic} assigned to {@code consumer} and read from its beginning to
   * its end now.
   */
  public static <K, V> List<TopicPartition> fromBeginning(
      Consumer<K, V> consumer,
      String topic,
      Duration timeout,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, timeout).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    toEnd(consumer, partitions, timeout, each);
    return partitions;
  }

  /**
   * Reads {@code partitions} from their positions to their end offsets as of this call (for a
   * read_committed consumer, the last stable offsets). Records arriving meanwhile may be read too;
   * none before the end is missed.
   *
   * @throws IllegalStateException when the end is not reached within {@code timeout}
   */
  public static <K, V> void toEnd(
      Consumer<K, V> consumer,
      Collection<TopicPartition> partitions,
      Duration timeout,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read " + partitions + " to " + end.values() + " within " + timeout);
      }
      consumer.poll(POLL).forEach(each);
    }
  }

  /**
   * Polls until {@code running} turns false or the consumer is woken up ({@link Consumer#wakeup()}
   * from another thread: how a close interrupts a poll), hands each non-empty batch to {@code
   * batch}, then closes the consumer. Any other exception ends the loop and is thrown, after the
   * consumer is closed.
   */
  public static <K, V> void follow(
      Consumer<K, V> consumer,
      BooleanSupplier running,
      Duration poll,
      java.util.function.Consumer<ConsumerRecords<K, V>> batch) {
    try {
      while (running.getAsBoolean()) {
        ConsumerRecords<K, V> records = consumer.poll(poll);
        if (!records.isEmpty()) {
          batch.accept(records);
        }
      }
    } catch (WakeupException e) {
      // close() ends the loop.
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }
}
