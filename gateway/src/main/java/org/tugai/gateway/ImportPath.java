package org.tugai.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's {@link ForwardingPath} as {@code bin/tugai import} uses it: no running gateway, one
 * caller waiting for Kafka's acknowledgement of what it sent, and told at once (not at the timeout)
 * when Kafka refuses it for good.
 */
public final class ImportPath implements AutoCloseable {

  private final ForwardingPath path;
  private final GatewayMetrics metrics;

  /** Why Kafka refuses the records for good (credentials, ACLs), once it said so. */
  private final AtomicReference<String> refused;

  private ImportPath(ForwardingPath path, GatewayMetrics metrics, AtomicReference<String> refused) {
    this.path = path;
    this.metrics = metrics;
    this.refused = refused;
  }

  public static ImportPath open(GatewayConfig config, MeterRegistry meters, Clock clock)
      throws InterruptedException, ExecutionException, TimeoutException {
    GatewayMetrics metrics = new GatewayMetrics(meters);
    AtomicReference<String> refused = new AtomicReference<>();
    return new ImportPath(
        ForwardingPath.open(config, metrics, clock, why -> refused.compareAndSet(null, why)),
        metrics,
        refused);
  }

  public ForwardingPath path() {
    return path;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /**
   * Waits for {@code sent}, completed once Kafka acknowledged all of {@code what}.
   *
   * @throws IOException when Kafka refuses the records for good, or sending them failed
   * @throws TimeoutException when Kafka has not acknowledged them within {@code timeout}
   */
  public <T> T await(CompletableFuture<T> sent, String what, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return sent.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (refused.get() != null) {
          throw new IOException(refused.get());
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "Kafka did not acknowledge all of " + what + " within " + timeout);
        }
      } catch (ExecutionException e) {
        throw new IOException(
            what + " could not be sent: " + e.getCause().getMessage(), e.getCause());
      }
    }
  }

  @Override
  public void close() {
    path.flush();
    path.close();
  }
}
