package org.tugai.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** What the gateway counts; all meters are prefixed {@code tugai.gateway}. */
public final class GatewayMetrics {

  private final MeterRegistry registry;
  private final Counter received;
  private final AtomicInteger inFlight;
  private final Timer ackLatency;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.received = Counter.builder("tugai.gateway.received").description("MQTT messages received").register(registry);
    this.inFlight = registry.gauge("tugai.gateway.in.flight", new AtomicInteger());
    this.ackLatency = Timer.builder("tugai.gateway.ack.latency").description("MQTT arrival to Kafka acknowledgement")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  public void received() {
    received.increment();
    inFlight.incrementAndGet();
  }

  public void acknowledged(Duration sinceArrival) {
    inFlight.decrementAndGet();
    ackLatency.record(sinceArrival);
  }

  /** Counters per topic, looked up once: this is on the hot path of every record. */
  private final java.util.concurrent.ConcurrentHashMap<String, Counter> produced = new java.util.concurrent.ConcurrentHashMap<>();

  public void produced(String topic) {
    produced.computeIfAbsent(topic, t -> registry.counter("tugai.gateway.produced", "topic", t)).increment();
  }

  public void deadLettered(String reasonCode) {
    registry.counter("tugai.gateway.deadletters", "reason", reasonCode).increment();
  }

  public void retried() {
    registry.counter("tugai.gateway.produce.retries").increment();
  }

  /** A satellite message by channel ({@code iridium-directip}, {@code iridium-rockblock}) and outcome (sent, duplicate, empty, malformed, unconfirmed). */
  public void satellite(String channel, String outcome) {
    registry.counter("tugai.gateway.satellite.messages", "channel", channel, "outcome", outcome).increment();
  }

  /** A vendor file or e-mail by where it came from ({@code inbox}, {@code mail}) and outcome (imported, repeat, unreadable, unconfirmed). */
  public void file(String from, String outcome) {
    registry.counter("tugai.gateway.files", "from", from, "outcome", outcome).increment();
  }

  public long receivedCount() {
    return (long) received.count();
  }

  public long deadLetterCount() {
    return (long) registry.find("tugai.gateway.deadletters").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
