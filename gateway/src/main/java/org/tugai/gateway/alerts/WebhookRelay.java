package org.tugai.gateway.alerts;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Alert;
import org.tugai.avro.DeadLetter;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.failure.Failure;
import org.tugai.core.failure.HttpFailures;
import org.tugai.core.kafka.ConsumerThreads;
import org.tugai.core.kafka.Offsets;
import org.tugai.core.service.ServiceFailure;
import org.tugai.schemas.DeadLetters;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.TopicSpec;

/**
 * Alerts of one channel to its webhook (an SMS gateway, EarthRanger, a messenger bot): a JSON POST
 * with the channel's secret header. Each webhook channel has its own consumer group and thread, so
 * a receiver that is down delays only itself, never MQTT delivery or another channel. A receiver
 * that answers with an error is tried {@code alerts.webhook.attempts} times per alert, with
 * doubling pauses; then the alert goes to the dead letters with the reason, and the channel goes
 * on. A receiver that does not answer at all (restarting, its network down, a proxy in front of it
 * answering 502/503/504) is an outage, not a bad alert: the same alert is tried again, pauses
 * capped at {@link #OUTAGE_PAUSE_CAP}, for up to {@code alerts.webhook.outage} from when it stopped
 * answering, so a receiver down for minutes gets every alert once it is back; only past that are
 * alerts dead-lettered, one try each, until it answers again. Offsets are committed once the alert
 * was delivered or dead-lettered, never when the relay is stopped in the middle of trying.
 */
public final class WebhookRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);

  private final KafkaSettings kafka;
  private final String groupId;

  /**
   * Static group member name: this gateway's, so a restarted gateway takes its partitions back at
   * once.
   */
  private final String memberId;

  private final TopicSpec<String, Alert> alerts;
  private final TopicSpec<String, DeadLetter> deadLetters;
  private final AlertChannels settings;
  private final AlertChannels.Channel channel;
  private final HttpClient http;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private Thread thread;
  private volatile boolean running;
  private long delivered;
  private long failed;
  private final ServiceFailure failure;

  /**
   * Set while the receiver refuses us for good (401, 403, 404, a TLS failure): the channel's alerts
   * wait.
   */
  private volatile String refused;

  static final Duration REFUSED_PAUSE = Duration.ofSeconds(30);
  static final Duration OUTAGE_PAUSE_CAP = Duration.ofSeconds(15);

  /** Since when the receiver has not answered at all; null while it answers. */
  private volatile Instant unreachableSince;

  /** Why this channel's alerts are not delivered though the relay runs, if they are not. */
  public Optional<String> problem() {
    Instant since = unreachableSince;
    return Optional.ofNullable(
        refused != null
            ? refused
            : since != null
                ? "webhook of channel "
                    + channel.id()
                    + ": the receiver has not answered since "
                    + since
                : null);
  }

  public WebhookRelay(
      KafkaSettings kafka,
      String groupId,
      String memberId,
      TopicSpec<String, Alert> alerts,
      TopicSpec<String, DeadLetter> deadLetters,
      AlertChannels settings,
      AlertChannels.Channel channel,
      ServiceFailure failure) {
    this.failure = failure;
    this.kafka = kafka;
    this.memberId = memberId;
    this.groupId = groupId;
    this.alerts = alerts;
    this.deadLetters = deadLetters;
    this.settings = settings;
    this.channel = channel;
    this.http = HttpClient.newBuilder().connectTimeout(settings.webhookTimeout()).build();
  }

  public void start() {
    Map<String, Object> c = kafka.consumerConfig();
    c.put(
        ConsumerConfig.GROUP_ID_CONFIG, kafka.topicPrefix() + groupId + "-webhook-" + channel.id());
    c.put(
        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
        AlertRelay.memberName(memberId + "-webhook-" + channel.id()));
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // One alert per poll, committed once delivered or dead-lettered, and a poll interval longer
    // than the worst case of one alert (every try timing out, pauses capped at a minute): a dead
    // receiver must not get this consumer thrown out of its group and the same alerts retried from
    // the start forever.
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    long worstMs =
        settings.webhookAttempts() * (settings.webhookTimeout().toMillis() * 2 + 60_000L)
            + settings.webhookOutage().toMillis()
            + 2 * (settings.webhookTimeout().toMillis() + OUTAGE_PAUSE_CAP.toMillis());
    c.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, Math.max(300_000L, worstMs)));
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> p = kafka.producerConfig();
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    consumer.subscribe(List.of(alerts.name()));
    running = true;
    thread = failure.thread("gateway-webhook-" + channel.id(), this::run, () -> !running);
    thread.start();
    log.info(
        "webhook: alerts of channel {} -> POST {}", channel.id(), channel.webhook().orElseThrow());
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        boolean again = false;
        for (ConsumerRecord<String, byte[]> r : records) {
          if (!running) {
            return;
          }
          if (!deliver(r)) {
            // Refused for good by the receiver: the same alert is read again after the pause,
            // nothing committed.
            consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
            again = true;
            break;
          }
        }
        if (!records.isEmpty() && !again && running) {
          producer.flush();
          consumer.commitSync(Offsets.after(records));
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("webhook relay {} woken unexpectedly", channel.id(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(5));
      producer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Delivers or dead-letters one alert; false when the receiver refuses us for good (it is tried
   * again later).
   */
  private boolean deliver(ConsumerRecord<String, byte[]> r) throws InterruptedException {
    Alert alert;
    try {
      alert = alerts.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      log.error(
          "skipping undecodable alert at {}/{}: {}", r.partition(), r.offset(), e.getMessage());
      return true;
    }
    if (alert == null
        || !(AlertChannels.ALL.equals(channel.id())
            || AlertRelay.channels(alert).contains(channel.id()))) {
      return true;
    }
    byte[] json = AlertJson.toJson(alert, channel.id(), settings.gridDeg(channel.id()));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(channel.webhook().orElseThrow())
            .timeout(settings.webhookTimeout())
            .header("Content-Type", "application/json")
            .header("X-Tugai-Alert-Id", alert.getAlertId())
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    channel.secret().ifPresent(secret -> request.header(channel.secretHeader(), secret));
    long pause = settings.webhookBackoff().toMillis();
    long outagePause = pause;
    String problem = "";
    int tries = 0;
    int attempt = 0;
    while (running && attempt < settings.webhookAttempts()) {
      tries++;
      Failure kind;
      boolean unanswered;
      try {
        HttpResponse<Void> response =
            http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 == 2) {
          delivered++;
          if (refused != null || unreachableSince != null) {
            log.info("webhook {}: the receiver takes alerts again", channel.id());
            refused = null;
            unreachableSince = null;
          }
          return true;
        }
        problem = "HTTP " + response.statusCode();
        kind = HttpFailures.classifyStatus(response.statusCode());
        unanswered =
            response.statusCode() == 502
                || response.statusCode() == 503
                || response.statusCode() == 504;
      } catch (IOException e) {
        problem = e.toString();
        kind = HttpFailures.classify(e);
        unanswered = kind == Failure.RETRIABLE;
      }
      if (!unanswered && unreachableSince != null) {
        log.info("webhook {}: the receiver answers again ({})", channel.id(), problem);
        unreachableSince = null; // it answers, if with an error: no longer an outage
      }
      if (kind == Failure.SYSTEMIC) {
        if (refused == null) {
          log.error(
              "webhook {}: the receiver refuses us ({}): check the channel's webhook-url and secret; its alerts wait and are"
                  + " tried again every {} s",
              channel.id(),
              problem,
              REFUSED_PAUSE.toSeconds());
        }
        refused =
            "webhook of channel "
                + channel.id()
                + " refuses alerts ("
                + problem
                + "): they wait in Kafka";
        Thread.sleep(REFUSED_PAUSE.toMillis());
        return false;
      }
      if (kind == Failure.POISON) {
        break; // this alert, refused as it is: no point in trying it again
      }
      if (unanswered) {
        Instant now = Instant.now();
        if (unreachableSince == null) {
          unreachableSince = now;
          log.warn(
              "webhook {}: the receiver does not answer ({}); its alerts wait for it up to {}",
              channel.id(),
              problem,
              settings.webhookOutage());
        }
        if (Duration.between(unreachableSince, now).compareTo(settings.webhookOutage()) < 0) {
          Thread.sleep(outagePause);
          outagePause = Math.min(outagePause * 2, OUTAGE_PAUSE_CAP.toMillis());
          continue; // an outage is not this alert's fault: its tries are not used up
        }
        problem += "; the receiver has not answered since " + unreachableSince;
        break;
      }
      attempt++;
      if (attempt < settings.webhookAttempts()) {
        log.warn(
            "webhook {}: alert {} not taken ({}), try {} of {}, next in {} ms",
            channel.id(),
            alert.getAlertId(),
            problem,
            attempt,
            settings.webhookAttempts(),
            pause);
        Thread.sleep(pause);
        pause = Math.min(pause * 2, 60_000);
      }
    }
    if (!running) {
      return true;
    }
    failed++;
    log.error(
        "webhook {}: alert {} dead-lettered after {} tries ({})",
        channel.id(),
        alert.getAlertId(),
        tries,
        problem);
    DeadLetter letter =
        DeadLetters.letter(
            "gateway",
            "webhook:" + channel.id() + ":" + channel.webhook().orElseThrow(),
            ReasonCodes.WEBHOOK_FAILED,
            "webhook of channel "
                + channel.id()
                + " did not take alert "
                + alert.getAlertId()
                + " in "
                + tries
                + " tries; last: "
                + problem,
            alert.getDeviceId(),
            json,
            Instant.now());
    producer.send(
        new ProducerRecord<>(
            deadLetters.name(),
            alert.getAlertId(),
            deadLetters.valueSerde().serializer().serialize(deadLetters.name(), letter)));
    return true;
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt(); // out of a retry pause or a POST in progress
    }
    ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(10));
    log.info(
        "webhook {} stopped ({} delivered, {} dead-lettered)", channel.id(), delivered, failed);
  }
}
