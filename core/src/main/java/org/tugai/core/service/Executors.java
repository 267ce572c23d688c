package org.tugai.core.service;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stopping the threads a service started, the same way everywhere. */
public final class Executors {

  private Executors() {}

  /**
   * Interrupts what runs on {@code executor} and waits up to {@code patience} for it to end; a null
   * executor (never started) is fine. An interrupt of the caller is kept for it.
   */
  public static void stop(ExecutorService executor, Duration patience) {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
