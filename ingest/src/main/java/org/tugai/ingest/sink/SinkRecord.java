package org.tugai.ingest.sink;

/**
 * One decoded Kafka record on its way to a table, with where it came from (for dead letters and for
 * tables keyed by topic position) and its raw bytes (what a dead letter carries).
 *
 * @param value the decoded value; null for a tombstone
 */
public record SinkRecord<V>(
    String key, V value, byte[] raw, String topic, int partition, long offset, long timestamp) {}
