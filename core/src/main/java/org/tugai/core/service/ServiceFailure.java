package org.tugai.core.service;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a service has failed for good: a systemic failure (configuration or permission) or one of
 * its threads ended while the service was not stopping. The first reason is kept and logged once at
 * ERROR; {@code /health} reports it and, by default, the process exits so that a supervisor
 * restarts it. A service that only runs some of its threads never looks healthy.
 */
public final class ServiceFailure {

  private static final Logger log = LoggerFactory.getLogger(ServiceFailure.class);

  private final String service;
  private final AtomicReference<String> reason = new AtomicReference<>();

  public ServiceFailure(String service) {
    this.service = service;
  }

  /** Marks the service failed; only the first reason counts. */
  public void fail(String why) {
    if (reason.compareAndSet(null, why)) {
      log.error("{} failed: {}", service, why);
    }
  }

  public Optional<String> reason() {
    return Optional.ofNullable(reason.get());
  }

  /**
   * A thread running {@code body}; if it ends (returns or throws) while {@code stopping} is false,
   * the service has failed. {@code body} handles what it expects itself; what escapes it is, by
   * definition, unexpected.
   */
  public Thread thread(String name, Runnable body, BooleanSupplier stopping) {
    return new Thread(
        () -> {
          try {
            body.run();
          } catch (Throwable t) {
            if (!stopping.getAsBoolean()) {
              log.error("thread {} of {} died", name, service, t);
              fail("thread " + name + " died: " + t);
            }
            return;
          }
          if (!stopping.getAsBoolean()) {
            fail("thread " + name + " ended while the service was running");
          }
        },
        name);
  }
}
