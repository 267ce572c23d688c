package org.tugai.core.kafka;

import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Stopping a thread that loops on {@code consumer.poll}: the caller has cleared its running flag.
 */
public final class ConsumerThreads {

  private ConsumerThreads() {}

  /**
   * Wakes the consumer out of its poll and waits for the thread to close it. Either may be null
   * (never started).
   */
  public static void stop(Consumer<?, ?> consumer, Thread thread, Duration wait) {
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
