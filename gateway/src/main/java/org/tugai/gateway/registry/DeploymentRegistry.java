package org.tugai.gateway.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Deployment;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.kafka.ConsumerThreads;
import org.tugai.core.kafka.PollLoop;
import org.tugai.schemas.TopicSpec;

/**
 * A live, in-memory view of the compacted {@code tugai.deployments.v1} topic: read to the end
 * before the gateway takes its first message, then followed. Every gateway instance reads all
 * partitions (no group).
 */
public final class DeploymentRegistry implements Deployments, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeploymentRegistry.class);

  private final KafkaSettings kafka;
  private final TopicSpec<String, Deployment> topic;

  /** deploymentId -> deployment; tombstones remove. */
  private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();

  /** deviceId -> earliest deployOn over its deployments. */
  private volatile Map<String, Instant> firstByDevice = Map.of();

  /** IMEI -> the deployments naming that modem, by deployOn. */
  private volatile Map<String, List<Deployment>> byImei = Map.of();

  private KafkaConsumer<String, byte[]> consumer;
  private Thread thread;
  private volatile boolean running;

  public DeploymentRegistry(KafkaSettings kafka, TopicSpec<String, Deployment> topic) {
    this.kafka = kafka;
    this.topic = topic;
  }

  public void start(Duration catchUpTimeout) {
    Map<String, Object> c = kafka.consumerConfig();
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    PollLoop.fromBeginning(consumer, topic.name(), catchUpTimeout, this::apply);
    rebuild();
    log.info(
        "deployment registry loaded: {} deployments of {} devices from {}",
        deployments.size(),
        firstByDevice.size(),
        topic.name());
    running = true;
    thread = new Thread(this::follow, "gateway-deployments");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    PollLoop.follow(
        consumer,
        () -> running,
        Duration.ofMillis(500),
        records -> {
          records.forEach(this::apply);
          rebuild();
        });
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      deployments.remove(r.key());
      return;
    }
    try {
      Deployment d = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
      deployments.put(d.getDeploymentId(), d);
    } catch (SerializationException e) {
      log.warn(
          "ignoring undecodable deployment at {}/{}: {}",
          r.partition(),
          r.offset(),
          e.getMessage());
    }
  }

  private void rebuild() {
    Map<String, Instant> first = new ConcurrentHashMap<>();
    for (Deployment d : deployments.values()) {
      first.merge(d.getDeviceId(), d.getDeployOn(), (a, b) -> a.isBefore(b) ? a : b);
    }
    firstByDevice = first;
    Map<String, List<Deployment>> imeis = new HashMap<>();
    for (Deployment d : deployments.values()) {
      if (d.getImei() != null) {
        imeis.computeIfAbsent(d.getImei(), k -> new ArrayList<>()).add(d);
      }
    }
    imeis.values().forEach(list -> list.sort(Comparator.comparing(Deployment::getDeployOn)));
    byImei = imeis;
  }

  @Override
  public Optional<SatelliteModem> modem(String imei, Instant at) {
    List<Deployment> candidates = byImei.getOrDefault(imei, List.of());
    Deployment chosen = null;
    for (Deployment d : candidates) {
      if (!d.getDeployOn().isAfter(at)) {
        chosen = d; // the latest that began by then: running, or the last one before it
      }
    }
    if (chosen == null && !candidates.isEmpty()) {
      chosen = candidates.get(0);
    }
    return Optional.ofNullable(chosen)
        .map(d -> new SatelliteModem(d.getDeviceId(), Optional.ofNullable(d.getPayloadProfile())));
  }

  @Override
  public Optional<Instant> firstDeployed(String deviceId) {
    return Optional.ofNullable(firstByDevice.get(deviceId));
  }

  @Override
  public void close() {
    running = false;
    ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(5));
  }
}
