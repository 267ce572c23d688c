package org.tugai.api.alerts;

import io.javalin.http.sse.SseClient;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.api.auth.AccessControl;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Caller;
import org.tugai.avro.Alert;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.service.ServiceFailure;
import org.tugai.schemas.TopicSpec;

/**
 * {@code GET /api/v1/alerts/stream}: server-sent events, one {@code alert} event per new or updated
 * alert, read live from the alerts topic (not from the store, so a ranger sees an alert as soon as
 * streams raised it). Each client gets only what its token may see, and only while the token is
 * good: every {@link #TOKEN_CHECK} the feed asks the store which of its clients' tokens are still
 * valid, and ends the streams of revoked or expired ones (with a last {@code revoked} event). The
 * consumer reads from the end without a group: nothing to commit, and every API replica serves all
 * its clients.
 */
public final class AlertFeed implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlertFeed.class);

  private record Subscriber(SseClient client, Caller caller) {}

  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final TopicSpec<String, Alert> topic;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ServiceFailure failure =
      new org.tugai.core.service.ServiceFailure("api (live alert feed)");
  static final Duration TOKEN_CHECK = Duration.ofSeconds(2);
  private final ApiTokens tokens;
  private final ScheduledExecutorService checker;

  public AlertFeed(KafkaSettings kafka, TopicSpec<String, Alert> topic, ApiTokens tokens) {
    this.topic = topic;
    this.tokens = tokens;
    this.checker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tugai-api-alert-feed-tokens");
              t.setDaemon(true);
              return t;
            });
    Map<String, Object> p = kafka.consumerConfig();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    thread = failure.thread("tugai-api-alert-feed", this::run, () -> !running.get());
    thread.setDaemon(true);
  }

  /** Why the feed stopped for good, if it did. */
  public Optional<String> failure() {
    return failure.reason();
  }

  public void start() {
    thread.start();
    checker.scheduleWithFixedDelay(
        this::endRevokedStreams,
        TOKEN_CHECK.toMillis(),
        TOKEN_CHECK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private volatile Instant lastCheckFailure = Instant.EPOCH;

  private void endRevokedStreams() {
    if (subscribers.isEmpty()) {
      return;
    }
    Set<String> ids = new HashSet<>();
    subscribers.forEach(s -> ids.add(s.caller().tokenId()));
    Set<String> valid;
    try {
      valid = tokens.stillValid(ids);
    } catch (SQLException | RuntimeException e) {
      // The store away: the streams go on (their tokens were good when checked last) and are
      // checked again shortly.
      if (Instant.now().isAfter(lastCheckFailure.plusSeconds(60))) {
        lastCheckFailure = Instant.now();
        log.warn(
            "alert feed: cannot check the clients' tokens ({}); retrying every {} s",
            e.toString(),
            TOKEN_CHECK.toSeconds());
      }
      return;
    }
    for (Subscriber s : subscribers) {
      if (!valid.contains(s.caller().tokenId())) {
        log.info(
            "alert feed: ending the stream of token {} ({}): revoked or expired",
            s.caller().tokenId(),
            s.caller().name());
        subscribers.remove(s);
        try {
          synchronized (s.client()) {
            s.client()
                .sendEvent("revoked", Map.of("reason", "the token was revoked or has expired"));
            s.client().close();
          }
        } catch (RuntimeException gone) {
          // Already closed by the client.
        }
      }
    }
  }

  /** The SSE handler: registers the client until it goes away. */
  public void subscribe(SseClient client) {
    Subscriber s = new Subscriber(client, AccessControl.caller(client.ctx()));
    subscribers.add(s);
    client.onClose(() -> subscribers.remove(s));
    client.sendComment("tugai alert feed");
    client.keepAlive();
  }

  private void run() {
    Instant lastPing = Instant.now();
    try {
      while (running.get()) {
        try {
          if (consumer.assignment().isEmpty() && !assign()) {
            sleep(Duration.ofSeconds(1));
            continue;
          }
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            publish(r);
          }
        } catch (KafkaException e) {
          if (e instanceof WakeupException) {
            throw e;
          }
          // Kafka away or the topic being recreated: the feed waits and resumes; the store has
          // every alert anyway.
          log.warn("alert feed: {}; retrying in 5 s", e.toString());
          consumer.unsubscribe();
          sleep(Duration.ofSeconds(5));
        }
        if (Instant.now().isAfter(lastPing.plusSeconds(15))) {
          // Keeps idle connections open through proxies and lets closed ones be noticed.
          lastPing = Instant.now();
          subscribers.forEach(s -> send(s, null, null));
        }
      }
    } catch (WakeupException e) {
      // close() ends the loop.
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private boolean assign() {
    List<PartitionInfo> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(5));
    if (partitions == null || partitions.isEmpty()) {
      return false;
    }
    List<TopicPartition> assigned = new ArrayList<>();
    partitions.forEach(pi -> assigned.add(new TopicPartition(pi.topic(), pi.partition())));
    consumer.assign(assigned);
    consumer.seekToEnd(assigned);
    log.info("alert feed live on {} ({} partitions)", topic.name(), assigned.size());
    return true;
  }

  private void publish(ConsumerRecord<String, byte[]> r) {
    Alert alert;
    try {
      alert = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      // The store's sink dead-letters such a record; the live feed only skips it.
      log.warn(
          "alert feed: record {}-{}@{} is not a readable alert: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      return;
    }
    if (alert == null) {
      return;
    }
    List<String> places = new ArrayList<>(alert.getZones());
    places.addAll(alert.getChannels());
    Map<String, Object> event = json(alert);
    for (Subscriber s : subscribers) {
      if (s.caller().covers(places)) {
        send(s, "alert", event);
      }
    }
  }

  private void send(Subscriber s, String event, Object data) {
    try {
      synchronized (s.client()) {
        if (event == null) {
          s.client().sendComment("ping");
        } else {
          s.client().sendEvent(event, data);
        }
      }
    } catch (RuntimeException e) {
      subscribers.remove(s);
    }
    if (s.client().terminated()) {
      subscribers.remove(s);
    }
  }

  /** The same fields, in the same form, as {@code GET /api/v1/alerts} gives for a stored alert. */
  static Map<String, Object> json(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alertId", a.getAlertId());
    m.put("type", a.getType().name().toLowerCase(Locale.ROOT));
    m.put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT));
    m.put("status", a.getStatus().name().toLowerCase(Locale.ROOT));
    m.put("title", a.getTitle());
    m.put("firstSeen", a.getFirstSeen().toString());
    m.put("lastSeen", a.getLastSeen().toString());
    m.put("lat", a.getLat());
    m.put("lon", a.getLon());
    m.put("zones", a.getZones());
    m.put("animalId", a.getAnimalId());
    m.put("deviceId", a.getDeviceId());
    m.put("media", a.getMedia());
    m.put("channels", a.getChannels());
    m.put("acknowledgedBy", a.getAcknowledgedBy());
    m.put(
        "acknowledgedAt", a.getAcknowledgedAt() == null ? null : a.getAcknowledgedAt().toString());
    m.put("note", a.getNote());
    m.put("updatedAt", a.getUpdatedAt().toString());
    return m;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running.set(false);
    checker.shutdownNow();
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
