package org.tugai.gateway.alerts;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Alert;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.failure.MqttFailures;
import org.tugai.core.kafka.ConsumerThreads;
import org.tugai.core.service.ServiceFailure;
import org.tugai.gateway.mqtt.SessionTakeovers;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.TopicSpec;

/**
 * Alerts out to rangers: each record of {@code tugai.alerts.v1} is published as JSON, QoS 1, to
 * {@code tugai/v1/alerts/{zone}} for every channel it routes to. The Kafka offset of a record is
 * committed only after the MQTT broker acknowledged every one of its publishes, so an alert is
 * never lost between Kafka and the rangers' broker (it may be published twice after a crash; the
 * alert id makes that harmless).
 *
 * <p>Publishes go out in a window no wider than the broker's receive maximum (from its CONNACK),
 * each released by its own acknowledgement, so a backlog drains at the broker's speed: the relay
 * never exceeds what the broker takes, never re-publishes what it acknowledged, and never sleeps
 * while a publish could go out. Publishes lost with a connection are sent again, oldest first, once
 * it is back; offsets are committed in order as acknowledgements come back.
 */
public final class AlertRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlertRelay.class);

  /**
   * Records taken from Kafka but not yet delivered, beyond which the relay stops polling for more.
   */
  static final int MAX_PENDING_RECORDS = 5_000;

  private final KafkaSettings kafka;
  private final MqttSettings mqtt;
  private final String clientId;
  private static final String CONNECTION = "alerts out";
  private final SessionTakeovers takeovers;
  private final ServiceFailure failure;

  /**
   * Set while the broker refuses our publishes for good (not authorised): publishing waits until
   * then, then tries again.
   */
  private volatile String refused;

  private volatile long holdUntilNanos;
  static final Duration REFUSED_PAUSE = Duration.ofSeconds(30);
  private final String groupId;
  private final TopicSpec<String, Alert> topic;
  private final AlertChannels channels;
  private KafkaConsumer<String, byte[]> consumer;
  private MqttAsyncClient client;
  private Thread thread;
  private volatile boolean running;
  private final AtomicLong published = new AtomicLong();

  /** Free places in the broker's receive window. */
  private Semaphore window;

  private volatile int windowSize;

  /** Publishes due, oldest first; a publish lost with its connection comes back here. */
  private final PriorityBlockingQueue<Publish> due = new PriorityBlockingQueue<>();

  /** Per partition, the records in offset order with the publishes each still waits for. */
  private final Map<TopicPartition, TreeMap<Long, Pending>> pending = new HashMap<>();

  private final Object progress = new Object();

  /**
   * Publishes handed to the client and not yet settled; a lost connection settles them all as lost.
   */
  private final Set<Attempt> outstanding = ConcurrentHashMap.newKeySet();

  private long sequence;

  /**
   * One try of one publish; settled exactly once, by its acknowledgement, its failure or its lost
   * connection.
   */
  private record Attempt(Publish publish, AtomicBoolean settled) {
    boolean settle() {
      return settled.compareAndSet(false, true);
    }
  }

  /** One record's delivery: done when every channel's publish was acknowledged. */
  private static final class Pending {
    final AtomicInteger left;

    Pending(int publishes) {
      left = new AtomicInteger(publishes);
    }
  }

  private record Publish(long seq, String mqttTopic, byte[] json, Pending of)
      implements Comparable<Publish> {
    @Override
    public int compareTo(Publish o) {
      return Long.compare(seq, o.seq);
    }
  }

  public AlertRelay(
      KafkaSettings kafka,
      MqttSettings mqtt,
      String clientId,
      String groupId,
      TopicSpec<String, Alert> topic,
      AlertChannels channels,
      SessionTakeovers takeovers,
      ServiceFailure failure) {
    this.failure = failure;
    this.takeovers = takeovers;
    takeovers.register(CONNECTION);
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
    options.setAutomaticReconnectDelay(1, 10);
    options.setCleanStart(true);
    mqtt.username().ifPresent(options::setUserName);
    mqtt.password().ifPresent(p -> options.setPassword(p.getBytes(StandardCharsets.UTF_8)));
    client.setCallback(new Callback());
    IMqttToken connected = client.connect(options);
    connected.waitForCompletion(30_000);
    windowSize = receiveMaximum(connected);
    window = new Semaphore(windowSize);

    Map<String, Object> c = kafka.consumerConfig();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.topicPrefix() + groupId);
    // Static membership: a relay restarted under the same client id takes its partitions back at
    // once.
    c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, memberName(clientId));
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(
        List.of(topic.name()),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitDone();
            forget(partitions);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
          }
        });
    running = true;
    thread = failure.thread("gateway-alerts-out", this::run, () -> !running);
    thread.start();
    log.info(
        "alerts out: {} -> MQTT {} tugai/v1/alerts/{zone}, at most {} publishes in flight (the broker's receive maximum)",
        topic.name(),
        mqtt.url(),
        windowSize);
  }

  /**
   * A static group member name from {@code id}: Kafka allows letters, digits, '.', '_' and '-'
   * only.
   */
  static String memberName(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The broker's receive maximum from its CONNACK (65,535 when it sets none, as MQTT 5 says). */
  static int receiveMaximum(IMqttToken connack) {
    Integer max =
        connack.getResponseProperties() == null
            ? null
            : connack.getResponseProperties().getReceiveMaximum();
    return max == null || max <= 0 ? 65_535 : max;
  }

  /** Why alerts are not going out though the relay runs, if they are not. */
  public Optional<String> problem() {
    return Optional.ofNullable(refused);
  }

  /** Publishes in flight now; never more than the broker's receive maximum. */
  public int inFlight() {
    return window == null ? 0 : windowSize - window.availablePermits();
  }

  public long publishedCount() {
    return published.get();
  }

  private void run() {
    long lastCommit = System.nanoTime();
    try {
      while (running) {
        boolean full = pendingRecords() >= MAX_PENDING_RECORDS;
        if (full) {
          consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
          consumer.resume(consumer.paused());
        }
        ConsumerRecords<String, byte[]> records =
            consumer.poll(
                due.isEmpty() && pendingRecords() == 0 ? Duration.ofMillis(500) : Duration.ZERO);
        records.forEach(this::take);
        sendWhatTheWindowAllows();
        if (System.nanoTime() - lastCommit > 200_000_000L) {
          commitDone();
          lastCommit = System.nanoTime();
        }
        if (!due.isEmpty() || pendingRecords() > 0) {
          synchronized (progress) {
            progress.wait(20); // woken by an acknowledgement or a failure
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("alert relay woken unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      commitDone();
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private int pendingRecords() {
    int n = 0;
    for (TreeMap<Long, Pending> records : pending.values()) {
      n += records.size();
    }
    return n;
  }

  /** One record: a publish per channel, queued in order. */
  private void take(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    Alert alert;
    try {
      alert = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      log.error(
          "skipping undecodable alert at {}/{}: {}", r.partition(), r.offset(), e.getMessage());
      alert = null;
    }
    Set<String> targets = alert == null ? Set.of() : channels(alert);
    Pending p = new Pending(targets.size());
    pending.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), p);
    for (String channel : targets) {
      due.add(
          new Publish(
              sequence++,
              MqttTopics.alerts(channel),
              AlertJson.toJson(alert, channel, channels.gridDeg(channel)),
              p));
    }
  }

  private void sendWhatTheWindowAllows() {
    if (refused != null && System.nanoTime() < holdUntilNanos) {
      return;
    }
    while (running && client.isConnected() && !due.isEmpty() && window.tryAcquire()) {
      Publish next = due.poll();
      if (next == null) {
        window.release();
        return;
      }
      MqttMessage message = new MqttMessage(next.json());
      message.setQos(1);
      Attempt attempt = new Attempt(next, new AtomicBoolean());
      outstanding.add(attempt);
      try {
        client.publish(
            next.mqttTopic(),
            message,
            null,
            new MqttActionListener() {
              @Override
              public void onSuccess(IMqttToken token) {
                acknowledged(attempt, token);
              }

              @Override
              public void onFailure(IMqttToken token, Throwable failure) {
                lost(attempt, failure);
              }
            });
      } catch (MqttException e) {
        lost(attempt, e);
        return;
      }
    }
  }

  private void acknowledged(Attempt attempt, IMqttToken token) {
    outstanding.remove(attempt);
    if (!attempt.settle()) {
      return;
    }
    Publish p = attempt.publish();
    int[] codes = token.getReasonCodes();
    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
      switch (MqttFailures.classify(codes[0])) {
        case SYSTEMIC -> {
          // Not authorised: nothing gets through until the ACL is fixed (Mosquitto re-reads it on
          // SIGHUP, no restart needed). Nothing is committed past this alert; it is tried again
          // every REFUSED_PAUSE.
          if (refused == null) {
            log.error(
                "alerts out: the rangers' broker refuses {} (reason code 0x{}): check the ACL of the relay's user; "
                    + "alerts wait and are tried again every {} s",
                p.mqttTopic(),
                Integer.toHexString(codes[0]),
                REFUSED_PAUSE.toSeconds());
          }
          refused =
              "the rangers' broker refuses alerts on "
                  + p.mqttTopic()
                  + " (reason code 0x"
                  + Integer.toHexString(codes[0])
                  + "): alerts wait in Kafka until the ACL lets the relay publish";
          holdUntilNanos = System.nanoTime() + REFUSED_PAUSE.toNanos();
          due.add(p);
          window.release();
          return;
        }
        case RETRIABLE -> {
          due.add(p);
          window.release();
          return;
        }
        case POISON ->
            log.error(
                "alerts out: the rangers' broker refused {} for good (reason code 0x{}); it is skipped",
                p.mqttTopic(),
                Integer.toHexString(codes[0]));
      }
    } else if (refused != null) {
      log.info("alerts out: the rangers' broker takes alerts again");
      refused = null;
    }
    published.incrementAndGet();
    p.of().left.decrementAndGet();
    window.release();
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  private void lost(Attempt attempt, Throwable failure) {
    outstanding.remove(attempt);
    if (!attempt.settle()) {
      return;
    }
    Publish p = attempt.publish();
    log.debug(
        "publish to {} not acknowledged ({}); it goes again", p.mqttTopic(), failure.toString());
    due.add(p);
    window.release();
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  /**
   * Commits, per partition, past every record whose publishes were all acknowledged, up to the
   * first that was not.
   */
  private void commitDone() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Map.Entry<TopicPartition, TreeMap<Long, Pending>> e : pending.entrySet()) {
      TreeMap<Long, Pending> records = e.getValue();
      Long next = null;
      while (!records.isEmpty() && records.firstEntry().getValue().left.get() <= 0) {
        next = records.pollFirstEntry().getKey() + 1;
      }
      if (next != null) {
        offsets.put(e.getKey(), new OffsetAndMetadata(next));
      }
    }
    if (!offsets.isEmpty()) {
      try {
        consumer.commitSync(offsets);
      } catch (KafkaException e) {
        log.warn(
            "alert relay could not commit {} ({}); those alerts may be published again",
            offsets,
            e.toString());
      }
    }
  }

  /** Partitions another member now owns: their undelivered records are its to deliver. */
  private void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      TreeMap<Long, Pending> records = pending.remove(tp);
      if (records != null) {
        Set<Pending> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(records.values());
        due.removeIf(p -> gone.contains(p.of()));
      }
    }
  }

  private final class Callback implements MqttCallback {
    @Override
    public void disconnected(MqttDisconnectResponse response) {
      log.warn(
          "alerts out: lost the rangers' broker ({}); reconnecting, nothing is committed until it is back",
          response);
      takeovers.disconnected(CONNECTION, clientId, response);
      // A new clean session forgets what was in flight: all of it goes again once connected, oldest
      // first.
      List.copyOf(outstanding).forEach(a -> lost(a, new java.io.IOException("connection lost")));
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (reconnect) {
        log.info("alerts out: reconnected to {}", serverUri);
        synchronized (progress) {
          progress.notifyAll();
        }
      }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      log.warn("alerts out: {}", exception.toString());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }

  /**
   * The alert's channels; without any, its zones; without those, "unrouted" so nothing disappears.
   */
  static Set<String> channels(Alert alert) {
    Set<String> channels =
        new LinkedHashSet<>(alert.getChannels().isEmpty() ? alert.getZones() : alert.getChannels());
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
    log.info("alerts out stopped ({} publishes)", published.get());
  }
}
