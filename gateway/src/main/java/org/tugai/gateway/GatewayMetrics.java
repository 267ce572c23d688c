package org.tugai.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.tugai.schemas.Channels;
import org.tugai.schemas.ReasonCodes;

/** What the gateway counts; all meters are prefixed {@code tugai.gateway}. */
public final class GatewayMetrics {

  private final MeterRegistry registry;
  private final Counter received;
  private final AtomicInteger inFlight;
  private final Timer ackLatency;

  private static final String PRODUCED = "tugai.gateway.produced";
  private static final String DEAD_LETTERS = "tugai.gateway.deadletters";
  private static final String RETRIES = "tugai.gateway.produce.retries";
  private static final String SATELLITE = "tugai.gateway.satellite.messages";
  private static final String FILES = "tugai.gateway.files";

  /**
   * Every documented meter is registered here, at zero, so a scrape shows it from start-up (a
   * dashboard's rate() of a counter that appears only at its first increment misses that
   * increment).
   */
  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.received =
        Counter.builder("tugai.gateway.received")
            .description("Messages received (MQTT, satellite, file batches)")
            .register(registry);
    this.inFlight = new AtomicInteger();
    Gauge.builder("tugai.gateway.in.flight", inFlight, AtomicInteger::get)
        .description("Messages received whose records Kafka has not all acknowledged yet")
        .register(registry);
    this.ackLatency =
        Timer.builder("tugai.gateway.ack.latency")
            .description("Arrival of a message to Kafka's acknowledgement of its records")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    retries();
    for (String code : ReasonCodes.GATEWAY) {
      deadLetters(code);
    }
    for (String channel :
        List.of(Channels.IRIDIUM_DIRECTIP, Channels.IRIDIUM_ROCKBLOCK, Channels.IRIDIUM_EMAIL)) {
      for (String outcome :
          java.util.List.of("sent", "duplicate", "empty", "malformed", "unconfirmed")) {
        satelliteCounter(channel, outcome);
      }
    }
    megaDetectorCounter("unknown-category");
    megaDetectorCounter("below-threshold");
    for (String from : java.util.List.of("inbox", "mail")) {
      for (String outcome : java.util.List.of("imported", "repeat", "unreadable", "unconfirmed")) {
        fileCounter(from, outcome);
      }
    }
  }

  private Counter megaDetectorCounter(String reason) {
    return Counter.builder("tugai.gateway.megadetector.skipped")
        .description("MegaDetector detections left out, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  /** A MegaDetector detection left out: {@code unknown-category} or {@code below-threshold}. */
  public void megaDetectorSkipped(String reason) {
    megaDetectorCounter(reason).increment();
  }

  /** The per-topic counters of the topics this gateway writes, at zero. */
  public void expectTopics(Collection<String> topics) {
    topics.forEach(t -> produced.computeIfAbsent(t, this::producedCounter));
  }

  private Counter producedCounter(String topic) {
    return Counter.builder(PRODUCED)
        .description("Records Kafka acknowledged, by topic")
        .tag("topic", topic)
        .register(registry);
  }

  private Counter deadLetters(String reason) {
    return Counter.builder(DEAD_LETTERS)
        .description("Dead letters written, by reason code")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter retries() {
    return Counter.builder(RETRIES)
        .description("Records sent to Kafka again after a retriable failure")
        .register(registry);
  }

  private Counter satelliteCounter(String channel, String outcome) {
    return Counter.builder(SATELLITE)
        .description("Iridium messages by channel and outcome")
        .tags("channel", channel, "outcome", outcome)
        .register(registry);
  }

  private Counter fileCounter(String from, String outcome) {
    return Counter.builder(FILES)
        .description("Vendor files and e-mails by where they came from and outcome")
        .tags("from", from, "outcome", outcome)
        .register(registry);
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
  private final ConcurrentHashMap<String, Counter> produced = new ConcurrentHashMap<>();

  public void produced(String topic) {
    produced.computeIfAbsent(topic, this::producedCounter).increment();
  }

  public void deadLettered(String reasonCode) {
    deadLetters(reasonCode).increment();
  }

  public void retried() {
    retries().increment();
  }

  /**
   * A satellite message by channel ({@code iridium-directip}, {@code iridium-rockblock}) and
   * outcome (sent, duplicate, empty, malformed, unconfirmed).
   */
  public void satellite(String channel, String outcome) {
    satelliteCounter(channel, outcome).increment();
  }

  /**
   * A vendor file or e-mail by where it came from ({@code inbox}, {@code mail}) and outcome
   * (imported, repeat, unreadable, unconfirmed).
   */
  public void file(String from, String outcome) {
    fileCounter(from, outcome).increment();
  }

  public long receivedCount() {
    return (long) received.count();
  }

  public long deadLetterCount() {
    return (long) registry.find(DEAD_LETTERS).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
