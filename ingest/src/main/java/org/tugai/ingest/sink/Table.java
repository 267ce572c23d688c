package org.tugai.ingest.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * How the records of one topic become rows: idempotent on a natural key, so a replayed batch
 * changes nothing. Implementations write in the caller's transaction and never commit.
 */
public interface Table<V> {

  /** For logs and metrics. */
  String name();

  /** The natural key; within one batch only the record {@link #pick} chooses per key is written. */
  Object naturalKey(SinkRecord<V> record);

  /** Of two records with the same natural key in one batch, the one to keep. */
  default SinkRecord<V> pick(SinkRecord<V> earlier, SinkRecord<V> later) {
    return later;
  }

  /** False: a tombstone (null value) on this topic means nothing and is passed over. */
  default boolean acceptsTombstones() {
    return false;
  }

  /**
   * A stand-in for a record that cannot be decoded, for a topic whose bad records cannot go to the
   * dead letters (the dead-letter topic itself); null elsewhere.
   */
  default V substituteFor(ConsumerRecord<String, byte[]> record, Exception cause) {
    return null;
  }

  /** Writes the records (distinct natural keys). */
  void write(Connection c, List<SinkRecord<V>> records) throws SQLException;
}
