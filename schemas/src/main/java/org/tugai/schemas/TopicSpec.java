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
public record TopicSpec<K, V>(
    String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, String description) {

  /**
   * Topic-level configs to create it with. An event log is kept for its retention measured from
   * when each record reached the broker ({@code LogAppendTime}), not from the record's own time:
   * streams passes a fix's time on to what it derives from it, so a replayed study's enriched
   * fixes, crossings and alerts, years old by that measure, would be deleted at the broker's next
   * retention check, before ingest (down or behind) had stored them. The soak caught its month-old
   * alerts gone from Kafka within five minutes. No reader takes event time from these timestamps:
   * the track reads the fix time from the value, the alert rules use the values and the wall clock.
   */
  public Map<String, String> configs() {
    return compacted
        ? Map.of("cleanup.policy", "compact")
        : Map.of("cleanup.policy", "delete", "message.timestamp.type", "LogAppendTime");
  }
}
