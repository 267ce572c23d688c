package org.tugai.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;

class AvroSerdeTest {

  private final SchemaCatalog catalog = SchemaCatalog.released();
  private final AvroSerde<Fix> fixes = new AvroSerde<>(Fix.class, catalog);

  static Fix fix() {
    return Fix.newBuilder()
        .setCollarId("TJ-BD-017")
        .setFixTime(Instant.parse("2026-03-01T04:00:00Z"))
        .setLat(37.312)
        .setLon(68.127)
        .setAltitudeM(391.0)
        .setHdop(1.2)
        .setSatellites(7)
        .setFixType(FixType.THREE_D)
        .setTemperatureC(14.5)
        .setBatteryV(3.61)
        .setMortality(false)
        .setActivity(42)
        .setReceivedAt(Instant.parse("2026-03-01T04:00:03Z"))
        .setSource("local:tugai/v1/collars/TJ-BD-017/fixes")
        .build();
  }

  @Test
  void roundTripsAFixInSingleObjectEncoding() {
    byte[] bytes = fixes.encode(fix());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fingerprint).isEqualTo(SchemaCatalog.fingerprint(Fix.getClassSchema()));
    assertThat(fixes.decode(bytes)).isEqualTo(fix());
  }

  @Test
  void roundTripsACameraEventWithNestedDetections() {
    AvroSerde<CameraEvent> serde = new AvroSerde<>(CameraEvent.class, catalog);
    CameraEvent event =
        CameraEvent.newBuilder()
            .setCameraId("CT-UZ4-03")
            .setEventId("CT-UZ4-03-20260301-0412")
            .setCapturedAt(Instant.parse("2026-03-01T00:12:09Z"))
            .setMedia(List.of("IMG_0413.JPG", "IMG_0414.JPG"))
            .setModel("MDv5a")
            .setDetections(
                List.of(
                    Detection.newBuilder()
                        .setCategory(DetectionClass.PERSON)
                        .setConfidence(0.93)
                        .setBbox(List.of(0.40, 0.38, 0.17, 0.24))
                        .build(),
                    Detection.newBuilder()
                        .setCategory(DetectionClass.ANIMAL)
                        .setSpecies("Cervus elaphus bactrianus")
                        .setConfidence(0.88)
                        .setCount(2)
                        .build()))
            .setReceivedAt(Instant.parse("2026-03-01T00:12:10Z"))
            .build();
    assertThat(serde.decode(serde.encode(event))).isEqualTo(event);
  }

  @Test
  void nullStaysNullForTombstones() {
    assertThat(fixes.encode(null)).isNull();
    assertThat(fixes.decode(null)).isNull();
  }

  @Test
  void readsAnOlderWriterThatLackedOptionalFields() throws IOException {
    // An older writer that knew only the device fields: enrichment fields must take their defaults.
    Schema older =
        SchemaBuilder.record("Fix")
            .namespace("org.tugai.avro")
            .fields()
            .requiredString("collarId")
            .name("fixTime")
            .type(timestampMillis())
            .noDefault()
            .optionalDouble("lat")
            .optionalDouble("lon")
            .name("receivedAt")
            .type(timestampMillis())
            .noDefault()
            .endRecord();
    GenericRecord record =
        new GenericRecordBuilder(older)
            .set("collarId", "C1")
            .set("fixTime", 1_000L)
            .set("lat", 10.5)
            .set("lon", 20.25)
            .set("receivedAt", 2_000L)
            .build();
    catalog.register(older);
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(record).array();

    Fix decoded = fixes.decode(bytes);

    assertThat(decoded.getCollarId()).isEqualTo("C1");
    assertThat(decoded.getLat()).isEqualTo(10.5);
    assertThat(decoded.getFixType()).isEqualTo(FixType.UNKNOWN);
    assertThat(decoded.getZones()).isEmpty();
    assertThat(decoded.getAnimalId()).isNull();
  }

  @Test
  void readsANewerWriterOnceItsSchemaIsFound() throws IOException {
    Schema newer = withExtraField(Fix.getClassSchema());
    GenericRecord record = new GenericData.Record(newer);
    Fix f = fix();
    for (Schema.Field field : Fix.getClassSchema().getFields()) {
      record.put(field.name(), GenericData.get().deepCopy(field.schema(), toGeneric(f, field)));
    }
    record.put("speedMps", 4.5);
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(record).array();

    assertThatThrownBy(() -> fixes.decode(bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot decode Fix");

    SchemaCatalog learning =
        SchemaCatalog.withSource(
            fp -> fp == SchemaCatalog.fingerprint(newer) ? Optional.of(newer) : Optional.empty());
    assertThat(new AvroSerde<>(Fix.class, learning).decode(bytes)).isEqualTo(fix());
  }

  @Test
  void garbageIsASerializationExceptionNotACrash() {
    byte[] good = fixes.encode(fix());
    byte[] truncated = Arrays.copyOf(good, good.length - 5);
    byte[] badHeader = good.clone();
    badHeader[0] = 0x7B; // '{': somebody produced JSON to an Avro topic
    byte[] hugeLength = good.clone();
    for (int i = 10; i < hugeLength.length; i++) {
      hugeLength[i] = (byte) 0xFF;
    }
    for (byte[] bytes :
        List.of(truncated, badHeader, hugeLength, new byte[0], new byte[] {(byte) 0xC3})) {
      assertThatThrownBy(() -> fixes.decode(bytes)).isInstanceOf(SerializationException.class);
    }
  }

  @Test
  void encodingARecordWithAMissingRequiredFieldFails() {
    DeadLetter incomplete = new DeadLetter();
    assertThatThrownBy(() -> new AvroSerde<>(DeadLetter.class, catalog).encode(incomplete))
        .isInstanceOf(SerializationException.class);
  }

  private static Object toGeneric(Fix fix, Schema.Field field) {
    Object value = fix.get(field.pos());
    if (value instanceof Instant instant) {
      return instant.toEpochMilli();
    }
    if (value instanceof FixType type) {
      return new GenericData.EnumSymbol(field.schema(), type.name());
    }
    return value;
  }

  private static Schema timestampMillis() {
    return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
  }

  private static Schema withExtraField(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("speedMps", Schema.create(Schema.Type.DOUBLE), "speed, m/s", 0.0));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
