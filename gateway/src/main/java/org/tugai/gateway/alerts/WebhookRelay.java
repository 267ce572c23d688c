package org.tugai.gateway.alerts;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import org.tugai.core.kafka.ConsumerThreads;
import org.tugai.core.kafka.Offsets;
import org.tugai.schemas.TopicSpec;

/**
 * Alerts of one channel to its webhook (an SMS gateway, EarthRanger, a messenger bot): a JSON POST with the
 * channel's secret header. Each webhook channel has its own consumer group and thread, so a receiver that
 * is down delays only itself, never MQTT delivery or another channel. A POST that fails is retried with
 * doubling pauses; after the last try the alert goes to the dead letters with the reason, and the channel
 * goes on. Offsets are committed once every alert of a batch was delivered or dead-lettered.
 */
public final class WebhookRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);

  private final KafkaSettings kafka;
  private final String groupId;
  /** Static group member name: this gateway's, so a restarted gateway takes its partitions back at once. */
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

  public WebhookRelay(KafkaSettings kafka, String groupId, String memberId, TopicSpec<String, Alert> alerts,
      TopicSpec<String, DeadLetter> deadLetters, AlertChannels settings, AlertChannels.Channel channel) {
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
    Map<String, Object> c = kafka.clientConfig();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.topicPrefix() + groupId + "-webhook-" + channel.id());
    c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, AlertRelay.memberName(memberId + "-webhook-" + channel.id()));
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // One alert per poll, committed once delivered or dead-lettered, and a poll interval longer than the
    // worst case of one alert (every try timing out, pauses capped at a minute): a dead receiver must not
    // get this consumer thrown out of its group and the same alerts retried from the start forever.
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    long worstMs = settings.webhookAttempts() * (settings.webhookTimeout().toMillis() * 2 + 60_000L);
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, Math.max(300_000L, worstMs)));
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> p = kafka.clientConfig();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    consumer.subscribe(List.of(alerts.name()));
    running = true;
    thread = new Thread(this::run, "gateway-webhook-" + channel.id());
    thread.start();
    log.info("webhook: alerts of channel {} -> POST {}", channel.id(), channel.webhook().orElseThrow());
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, byte[]> r : records) {
          if (!running) {
            return;
          }
          deliver(r);
        }
        if (!records.isEmpty()) {
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

  private void deliver(ConsumerRecord<String, byte[]> r) throws InterruptedException {
    Alert alert;
    try {
      alert = alerts.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      log.error("skipping undecodable alert at {}/{}: {}", r.partition(), r.offset(), e.getMessage());
      return;
    }
    if (alert == null || !(AlertChannels.ALL.equals(channel.id()) || AlertRelay.channels(alert).contains(channel.id()))) {
      return;
    }
    byte[] json = AlertJson.toJson(alert, channel.id(), settings.gridDeg(channel.id()));
    HttpRequest.Builder request = HttpRequest.newBuilder(channel.webhook().orElseThrow()).timeout(settings.webhookTimeout())
        .header("Content-Type", "application/json").header("X-Tugai-Alert-Id", alert.getAlertId())
        .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    channel.secret().ifPresent(secret -> request.header(channel.secretHeader(), secret));
    long pause = settings.webhookBackoff().toMillis();
    String problem = "";
    for (int attempt = 1; attempt <= settings.webhookAttempts() && running; attempt++) {
      try {
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 == 2) {
          delivered++;
          return;
        }
        problem = "HTTP " + response.statusCode();
      } catch (IOException e) {
        problem = e.toString();
      }
      if (attempt < settings.webhookAttempts()) {
        log.warn("webhook {}: alert {} not taken ({}), try {} of {}, next in {} ms", channel.id(), alert.getAlertId(), problem, attempt,
            settings.webhookAttempts(), pause);
        Thread.sleep(pause);
        pause = Math.min(pause * 2, 60_000);
      }
    }
    if (!running) {
      return;
    }
    failed++;
    log.error("webhook {}: alert {} dead-lettered after {} tries ({})", channel.id(), alert.getAlertId(), settings.webhookAttempts(), problem);
    DeadLetter letter = DeadLetter.newBuilder().setPayload(ByteBuffer.wrap(json)).setPayloadSize(json.length)
        .setSource("webhook:" + channel.id() + ":" + channel.webhook().orElseThrow()).setComponent("gateway")
        .setReasonCode("webhook-failed")
        .setReason("webhook of channel " + channel.id() + " did not take alert " + alert.getAlertId() + " in "
            + settings.webhookAttempts() + " tries; last: " + problem)
        .setDeviceId(alert.getDeviceId()).setOccurredAt(Instant.now()).build();
    producer.send(new ProducerRecord<>(deadLetters.name(), alert.getAlertId(), deadLetters.valueSerde().serializer()
        .serialize(deadLetters.name(), letter)));
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt(); // out of a retry pause or a POST in progress
    }
    ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(10));
    log.info("webhook {} stopped ({} delivered, {} dead-lettered)", channel.id(), delivered, failed);
  }
}
