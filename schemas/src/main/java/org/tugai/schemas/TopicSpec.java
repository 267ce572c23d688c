package org.tugai.schemas;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic of the pipeline: its name, how keys and values are encoded, and how it is kept.
 *
 * @param name full topic name, including any namespace prefix
 * @param keySerde key encoding
 * @param valueSerde value encoding
 * @param compacted true for tables (latest value per key), false for event logs
 * @param description what the topic carries, for operators
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, String description) {

  /** Topic-level configs to create it with. */
  public Map<String, String> configs() {
    return compacted ? Map.of("cleanup.policy", "compact") : Map.of("cleanup.policy", "delete");
  }
}
