package org.tugai.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Serializers for sinks fed by processors that forward several record types. */
public final class RecordSerializers {

  private RecordSerializers() {}

  /** A processor forwarding several record types feeds sinks that each take one. */
  public static <T extends SpecificRecord> Serializer<SpecificRecord> narrow(
      Serializer<T> serializer, Class<T> type) {
    return (topic, value) -> serializer.serialize(topic, type.cast(value));
  }
}
