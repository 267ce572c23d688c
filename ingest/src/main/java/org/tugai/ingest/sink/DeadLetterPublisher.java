package org.tugai.ingest.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.DeadLetter;
import org.tugai.core.config.KafkaSettings;
import org.tugai.schemas.DeadLetters;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.TopicSpec;

/**
 * Sends records the sink cannot store to the dead-letter topic, synchronously: the offset commits
 * only after.
 */
public final class DeadLetterPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

  private final TopicSpec<String, DeadLetter> topic;
  private final KafkaProducer<String, byte[]> producer;
  private final MeterRegistry registry;

  private Counter counter(String reason) {
    return io.micrometer.core.instrument.Counter.builder("tugai.ingest.deadletters")
        .description("Records the sink dead-lettered, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  public DeadLetterPublisher(KafkaSettings kafka, MeterRegistry registry) {
    this.topic = kafka.topics().deadLetters();
    this.registry = registry;
    Map<String, Object> p = kafka.producerConfig();
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    ReasonCodes.INGEST.forEach(this::counter);
  }

  public void publish(ConsumerRecord<String, byte[]> r, String reasonCode, String reason)
      throws InterruptedException {
    publish(r.key(), r.value(), r.topic(), r.partition(), r.offset(), reasonCode, reason);
  }

  public void publish(SinkRecord<?> r, String reasonCode, String reason)
      throws InterruptedException {
    publish(r.key(), r.raw(), r.topic(), r.partition(), r.offset(), reasonCode, reason);
  }

  private void publish(
      String key,
      byte[] value,
      String fromTopic,
      int partition,
      long offset,
      String reasonCode,
      String reason)
      throws InterruptedException {
    byte[] raw = value == null ? new byte[0] : value;
    String source = "kafka:" + fromTopic + "/" + partition + "/" + offset;
    DeadLetter letter =
        DeadLetters.letter("ingest", source, reasonCode, reason, key, raw, Instant.now());
    log.warn("dead-lettering {} ({}): {}", source, reasonCode, reason);
    counter(reasonCode).increment();
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic.name(),
                  key,
                  topic.valueSerde().serializer().serialize(topic.name(), letter)))
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Not committing is the safe answer: the record is read again after a restart.
      throw new IllegalStateException("cannot write a dead letter to Kafka: " + e, e);
    }
  }

  /** A dead letter standing for a record on the dead-letter topic that cannot be decoded. */
  public static DeadLetter undecodable(ConsumerRecord<String, byte[]> r, Exception e) {
    byte[] raw = r.value() == null ? new byte[0] : r.value();
    // The record's own time, not now: a replay must produce the very same row.
    return DeadLetters.letter(
        "ingest",
        "kafka:" + r.topic() + "/" + r.partition() + "/" + r.offset(),
        ReasonCodes.UNDECODABLE,
        String.valueOf(e.getMessage()),
        r.key(),
        raw,
        Instant.ofEpochMilli(r.timestamp()));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
