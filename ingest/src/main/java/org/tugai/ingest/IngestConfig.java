package org.tugai.ingest;

import java.time.Duration;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;

/**
 * Everything the sink needs, validated at start-up.
 *
 * @param kafka Kafka connection ({@code kafka.*})
 * @param db the store ({@code db.*})
 * @param groupId {@code ingest.group-id}: consumer group; instances with the same id split the partitions
 * @param batchSize {@code ingest.batch-size}: most records written in one database transaction
 * @param maxBackoff {@code ingest.max-backoff}: longest pause between retries while the database is away
 * @param fixWriters {@code ingest.fix-writers}: consumers (each with its own connection) on the fixes topic, the
 *     one with the volume; more than its partition count leaves some idle
 */
public record IngestConfig(KafkaSettings kafka, DbSettings db, String groupId, int batchSize, Duration maxBackoff, int fixWriters) {

  public static IngestConfig from(Settings s) {
    return new IngestConfig(
        KafkaSettings.from(s),
        DbSettings.from(s),
        s.string("ingest.group-id", "tugai-ingest"),
        s.integer("ingest.batch-size", 5_000, 1, 100_000),
        s.duration("ingest.max-backoff", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(4)),
        s.integer("ingest.fix-writers", 2, 1, 64));
  }
}
