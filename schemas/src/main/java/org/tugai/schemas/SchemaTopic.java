package org.tugai.schemas;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertAck;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Crossing;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;

/**
 * The {@code tugai.schemas.v1} topic: a compacted log of every writer schema in use, keyed by
 * fingerprint.
 *
 * <p>There is no schema-registry server we can run from Maven Central, so writers publish their
 * schemas here at start-up and a reader that meets an unknown fingerprint (a newer release during a
 * rolling upgrade) reads the topic once to learn it.
 */
public final class SchemaTopic implements SchemaCatalog.SchemaSource {

  private static final Logger log = LoggerFactory.getLogger(SchemaTopic.class);

  /**
   * Do not re-read the topic for the same unknown fingerprint more often than this: poison data has
   * many.
   */
  private static final long NEGATIVE_CACHE_MS = 30_000;

  /** The record schemas this build writes. */
  public static final List<Schema> CURRENT =
      List.of(
          Fix.getClassSchema(),
          CameraEvent.getClassSchema(),
          Deployment.getClassSchema(),
          Crossing.getClassSchema(),
          Alert.getClassSchema(),
          AlertAck.getClassSchema(),
          DeadLetter.getClassSchema());

  private final String topic;
  private final Map<String, Object> clientConfig;
  private final Map<Long, Long> misses = new HashMap<>();

  public SchemaTopic(String topic, Map<String, Object> clientConfig) {
    this.topic = topic;
    this.clientConfig = Map.copyOf(clientConfig);
  }

  public static String key(long fingerprint) {
    return String.format("%016x", fingerprint);
  }

  /** Publishes this build's writer schemas and waits until Kafka acknowledged them. */
  public static void publishCurrent(
      Map<String, Object> clientConfig, String topic, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "tugai-schemas-" + ProcessHandle.current().pid());
    try (Producer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (Schema schema : CURRENT) {
        producer
            .send(
                new ProducerRecord<>(
                    topic, key(SchemaCatalog.fingerprint(schema)), schema.toString()))
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public synchronized Optional<Schema> find(long fingerprint) {
    Long missedAt = misses.get(fingerprint);
    if (missedAt != null && System.currentTimeMillis() - missedAt < NEGATIVE_CACHE_MS) {
      return Optional.empty();
    }
    String wanted = key(fingerprint);
    Map<String, String> all = readAll();
    String json = all.get(wanted);
    if (json == null) {
      misses.put(fingerprint, System.currentTimeMillis());
      log.warn(
          "writer schema {} is neither a released version nor in {} ({} schemas there)",
          wanted,
          topic,
          all.size());
      return Optional.empty();
    }
    log.info("learned writer schema {} from {}", wanted, topic);
    return Optional.of(new Schema.Parser().parse(json));
  }

  private Map<String, String> readAll() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, String> schemas = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      long deadline = System.currentTimeMillis() + 10_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            schemas.put(r.key(), r.value());
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("cannot read {}: {}", topic, e.toString());
    }
    return schemas;
  }
}
