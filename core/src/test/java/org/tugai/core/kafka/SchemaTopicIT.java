package org.tugai.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.Fix;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.SchemaTopic;
import org.tugai.schemas.Topics;

/**
 * A reader built before a schema change decodes records of the newer writer, learning its schema
 * from Kafka.
 */
@ExtendWith(TugaiInfrastructure.class)
class SchemaTopicIT {

  private KafkaSettings kafka;
  private String schemasTopic;

  @BeforeEach
  void setUp(Infrastructure infra) {
    kafka =
        KafkaSettings.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    infra.kafkaBootstrapServers(),
                    "kafka.topic-prefix",
                    Infrastructure.uniqueName("it") + ".",
                    "kafka.partitions",
                    "1")));
    Topics topics = kafka.topics();
    schemasTopic = topics.schemas().name();
    TopicAdmin.ensure(kafka, List.of(topics.schemas()));
  }

  @Test
  void writersPublishTheirSchemasAtStartUp() throws Exception {
    SchemaTopic.publishCurrent(kafka.clientConfig(), schemasTopic, Duration.ofSeconds(30));
    long fingerprint = SchemaCatalog.fingerprint(Fix.getClassSchema());
    assertThat(new SchemaTopic(schemasTopic, kafka.clientConfig()).find(fingerprint))
        .contains(Fix.getClassSchema());
  }

  @Test
  void anOldReaderDecodesANewerWriterWhoseSchemaIsInTheTopic() throws Exception {
    Schema newer = withField(Fix.getClassSchema(), "speedMps");
    byte[] bytes = encodeWith(newer);
    // The newer release publishes its schema as every writer does at start-up.
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  schemasTopic,
                  SchemaTopic.key(SchemaCatalog.fingerprint(newer)),
                  newer.toString()))
          .get(30, TimeUnit.SECONDS);
    }

    Fix decoded = kafka.topics().fixes().valueSerde().deserializer().deserialize("t", bytes);

    assertThat(decoded.getCollarId()).isEqualTo("C9");
    assertThat(decoded.getLat()).isEqualTo(37.5);
    assertThatThrownBy(
            () -> Topics.standard().fixes().valueSerde().deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void anUnknownWriterIsAClearDecodingError() throws Exception {
    byte[] bytes = encodeWith(withField(Fix.getClassSchema(), "neverPublished"));
    assertThatThrownBy(
            () -> kafka.topics().fixes().valueSerde().deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot decode Fix");
  }

  private static Schema withField(Schema schema, String name) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(
        new Schema.Field(name, Schema.create(Schema.Type.DOUBLE), "added by a newer release", 0.0));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private static byte[] encodeWith(Schema schema) throws Exception {
    // The builder fills every field that has a default, whatever the schema version adds.
    GenericRecord r =
        new GenericRecordBuilder(schema)
            .set("collarId", "C9")
            .set("fixTime", Instant.parse("2026-03-01T04:00:00Z").toEpochMilli())
            .set("lat", 37.5)
            .set("lon", 68.0)
            .set(
                "fixType",
                new GenericData.EnumSymbol(schema.getField("fixType").schema(), "THREE_D"))
            .set("receivedAt", Instant.parse("2026-03-01T04:00:01Z").toEpochMilli())
            .set(schema.getFields().get(schema.getFields().size() - 1).name(), 4.5)
            .build();
    return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r).array();
  }
}
