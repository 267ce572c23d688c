package org.tugai.ingest.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import org.tugai.avro.DeadLetter;

/** Keeps dead letters for inspection, idempotent on their position in the dead-letter topic. */
public final class DeadLetterRows {

  /** A dead letter and where it sits in the dead-letter topic. */
  public record Row(int partition, long offset, DeadLetter letter) {}

  private static final String INSERT = """
      INSERT INTO dead_letters (kafka_partition, kafka_offset, occurred_at, source, component, reason_code, reason,
                                device_id, payload, payload_size, payload_truncated)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (kafka_partition, kafka_offset) DO NOTHING
      """;

  private DeadLetterRows() {}

  public static void insert(Connection c, Collection<Row> rows) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (Row row : rows) {
        DeadLetter d = row.letter();
        ByteBuffer payload = d.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        int i = 1;
        ps.setInt(i++, row.partition());
        ps.setLong(i++, row.offset());
        ps.setTimestamp(i++, FixRows.ts(d.getOccurredAt()));
        ps.setString(i++, d.getSource());
        ps.setString(i++, d.getComponent());
        ps.setString(i++, d.getReasonCode());
        ps.setString(i++, d.getReason());
        ps.setString(i++, d.getDeviceId());
        ps.setBytes(i++, bytes);
        ps.setLong(i++, d.getPayloadSize());
        ps.setBoolean(i, d.getPayloadTruncated());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
