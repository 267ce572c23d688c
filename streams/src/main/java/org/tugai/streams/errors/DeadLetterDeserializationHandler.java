package org.tugai.streams.errors;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.DeadLetter;
import org.tugai.schemas.AvroSerde;
import org.tugai.schemas.DeadLetters;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.SchemaCatalog;

/**
 * A record that does not decode (written by a foreign producer, corrupted, or by a writer whose
 * schema is unknown) goes to the dead-letter topic with its raw bytes and the reason; processing
 * goes on.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

  /** Streams config key naming the dead-letter topic. */
  public static final String TOPIC_CONFIG = "tugai.deadletter.topic";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

  private final AvroSerde<DeadLetter> serde =
      new AvroSerde<>(DeadLetter.class, SchemaCatalog.released());
  private String topic;
  private Map<String, Object> producerConfig;
  private KafkaProducer<byte[], byte[]> globalProducer;

  @Override
  public void configure(Map<String, ?> configs) {
    Object configured = configs.get(TOPIC_CONFIG);
    if (configured == null) {
      throw new IllegalArgumentException(TOPIC_CONFIG + " must name the dead-letter topic");
    }
    topic = configured.toString();
    producerConfig = new HashMap<>();
    configs.forEach(
        (k, v) -> {
          if (k.equals("bootstrap.servers")
              || k.startsWith("security.")
              || k.startsWith("sasl.")
              || k.startsWith("ssl.")) {
            producerConfig.put(k, v);
          }
        });
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    byte[] raw = record.value() == null ? new byte[0] : record.value();
    String source = "kafka:" + record.topic() + "/" + record.partition() + "/" + record.offset();
    String reason =
        exception.getMessage() == null
            ? exception.toString()
            : exception.getMessage().lines().findFirst().orElse("");
    log.warn("dead-lettering undecodable record {}: {}", source, reason);
    DeadLetter letter =
        DeadLetters.letter(
            "streams",
            source,
            ReasonCodes.UNDECODABLE,
            reason,
            record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
            raw,
            Instant.now());
    ProducerRecord<byte[], byte[]> deadLetter =
        new ProducerRecord<>(topic, record.key(), serde.encode(letter));
    if (context.taskId() != null && context.taskId().subtopology() < 0) {
      // Kafka Streams 4.3.1 cannot send dead letters from the global thread (it casts the global
      // context to a record-collector supplier and dies): send this one ourselves.
      globalProducer()
          .send(
              deadLetter,
              (metadata, error) -> {
                if (error != null) {
                  log.error("could not dead-letter {}: {}", source, error.toString());
                }
              });
      return Response.resume();
    }
    return Response.resume(List.of(deadLetter));
  }

  private synchronized KafkaProducer<byte[], byte[]> globalProducer() {
    if (globalProducer == null) {
      globalProducer =
          new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    }
    return globalProducer;
  }
}
