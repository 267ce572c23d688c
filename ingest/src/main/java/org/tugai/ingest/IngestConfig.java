package org.tugai.ingest;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;

/**
 * Everything the sink needs, validated at start-up.
 *
 * @param kafka Kafka connection ({@code kafka.*})
 * @param db the store ({@code db.*})
 * @param groupId {@code ingest.group-id}: consumer group; instances with the same id split the
 *     partitions
 * @param batchSize {@code ingest.batch-size}: most records written in one database transaction
 * @param maxBackoff {@code ingest.max-backoff}: longest pause between retries while the database is
 *     away
 * @param fixWriters {@code ingest.fix-writers}: consumers (each with its own connection) on the
 *     fixes topic, the one with the volume; more than its partition count leaves some idle
 * @param instanceId {@code ingest.instance-id}: this process's static group member name, each
 *     sink's consumer adding its own suffix (default: the host name and a digest of the database
 *     URL, the group and the working directory), so a restarted ingest takes its partitions back at
 *     once instead of waiting out the session timeout of the consumers it left behind; two ingest
 *     processes of one group on one host, run from the same directory, each need their own
 */
public record IngestConfig(
    KafkaSettings kafka,
    DbSettings db,
    String groupId,
    int batchSize,
    Duration maxBackoff,
    int fixWriters,
    String instanceId) {

  public static IngestConfig from(Settings s) {
    return new IngestConfig(
        KafkaSettings.from(s),
        DbSettings.from(s),
        s.string("ingest.group-id", "tugai-ingest"),
        s.integer("ingest.batch-size", 5_000, 1, 100_000),
        s.duration(
            "ingest.max-backoff",
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            Duration.ofMinutes(4)),
        s.integer("ingest.fix-writers", 2, 1, 64),
        s.optional("ingest.instance-id").orElseGet(() -> defaultInstanceId(s)));
  }

  private static String defaultInstanceId(Settings s) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    String seed =
        s.string("db.url", "")
            + "\n"
            + s.string("ingest.group-id", "tugai-ingest")
            + "\n"
            + System.getProperty("user.dir");
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(seed.getBytes(StandardCharsets.UTF_8));
      return (host + "-" + java.util.HexFormat.of().formatHex(d, 0, 4))
          .replaceAll("[^A-Za-z0-9._-]", "_");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
