package org.tugai.gateway.alerts;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Alert;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.kafka.ConsumerThreads;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.kafka.Offsets;
import org.tugai.schemas.TopicSpec;

/**
 * Alerts out to rangers: each record of {@code tugai.alerts.v1} is published as JSON, QoS 1, to
 * {@code tugai/v1/alerts/{zone}} for every channel it routes to. The Kafka offset is committed only after the
 * MQTT broker acknowledged every one of those publishes, so an alert is never lost between Kafka and the
 * rangers' broker (it may be published twice after a crash; the alert id makes that harmless).
 */
public final class AlertRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlertRelay.class);

  private final KafkaSettings kafka;
  private final MqttSettings mqtt;
  private final String clientId;
  private final String groupId;
  private final TopicSpec<String, Alert> topic;
  private final AlertChannels channels;
  private KafkaConsumer<String, byte[]> consumer;
  private MqttAsyncClient client;
  private Thread thread;
  private volatile boolean running;
  private long published;

  public AlertRelay(KafkaSettings kafka, MqttSettings mqtt, String clientId, String groupId, TopicSpec<String, Alert> topic,
      AlertChannels channels) {
    this.channels = channels;
    this.kafka = kafka;
    this.mqtt = mqtt;
    this.clientId = clientId;
    this.groupId = groupId;
    this.topic = topic;
  }

  public void start() throws MqttException {
    client = new MqttAsyncClient(mqtt.url(), clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setAutomaticReconnect(true);
    options.setCleanStart(true);
    mqtt.username().ifPresent(options::setUserName);
    mqtt.password().ifPresent(p -> options.setPassword(p.getBytes(StandardCharsets.UTF_8)));
    client.connect(options).waitForCompletion(30_000);

    Map<String, Object> c = kafka.clientConfig();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.topicPrefix() + groupId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic.name()));
    running = true;
    thread = new Thread(this::run, "gateway-alerts-out");
    thread.start();
    log.info("alerts out: {} -> MQTT {} tugai/v1/alerts/{zone}", topic.name(), mqtt.url());
  }

  private void run() {
    long backoff = 200;
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        try {
          publishAll(records);
          consumer.commitSync(Offsets.after(records));
          backoff = 200;
        } catch (MqttException e) {
          log.warn("MQTT broker did not take alerts ({}); offsets stay uncommitted, retrying in {} ms", e.toString(), backoff);
          for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
          }
          Thread.sleep(backoff);
          backoff = Math.min(backoff * 2, 10_000);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("alert relay woken unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void publishAll(ConsumerRecords<String, byte[]> records) throws MqttException {
    List<IMqttToken> tokens = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      Alert alert;
      try {
        alert = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
      } catch (SerializationException e) {
        log.error("skipping undecodable alert at {}/{}: {}", r.partition(), r.offset(), e.getMessage());
        continue;
      }
      if (alert == null) {
        continue;
      }
      for (String channel : channels(alert)) {
        MqttMessage message = new MqttMessage(AlertJson.toJson(alert, channel, channels.gridDeg(channel)));
        message.setQos(1);
        tokens.add(client.publish("tugai/v1/alerts/" + channel, message));
      }
    }
    for (IMqttToken token : tokens) {
      token.waitForCompletion(30_000);
    }
    published += tokens.size();
  }

  /** The alert's channels; without any, its zones; without those, "unrouted" so nothing disappears. */
  static Set<String> channels(Alert alert) {
    Set<String> channels = new LinkedHashSet<>(alert.getChannels().isEmpty() ? alert.getZones() : alert.getChannels());
    channels.removeIf(c -> c.isBlank() || c.contains("/") || c.contains("+") || c.contains("#"));
    if (channels.isEmpty()) {
      channels.add("unrouted");
    }
    return channels;
  }

  @Override
  public void close() {
    running = false;
    ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(10));
    if (client != null) {
      try {
        if (client.isConnected()) {
          client.disconnect().waitForCompletion(5_000);
        }
        client.close();
      } catch (MqttException e) {
        log.debug("alerts MQTT close: {}", e.toString());
      }
    }
    log.info("alerts out stopped ({} publishes)", published);
  }
}
