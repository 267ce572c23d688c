package org.tugai.ingest.tables;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.tugai.avro.DeadLetter;
import org.tugai.ingest.sink.DeadLetterPublisher;
import org.tugai.ingest.sink.SinkRecord;
import org.tugai.ingest.sink.Staging;
import org.tugai.ingest.sink.Table;
import org.tugai.schemas.text.StorableText;

/** {@code dead_letters} for inspection, idempotent on their position in the dead-letter topic. */
public final class DeadLetterTable implements Table<DeadLetter> {

  private static final String LIST =
      "kafka_partition, kafka_offset, occurred_at, source, component, reason_code, reason, device_id,"
          + " payload, payload_size, payload_truncated";
  private static final String MERGE =
      "INSERT INTO dead_letters ("
          + LIST
          + ") SELECT "
          + LIST
          + " FROM tugai_stage_dead_letters"
          + " ON CONFLICT DO NOTHING";

  @Override
  public String name() {
    return "dead_letters";
  }

  @Override
  public Object naturalKey(SinkRecord<DeadLetter> r) {
    return r.partition() + "/" + r.offset();
  }

  @Override
  public DeadLetter substituteFor(ConsumerRecord<String, byte[]> record, Exception cause) {
    return DeadLetterPublisher.undecodable(record, cause);
  }

  @Override
  public void write(Connection c, List<SinkRecord<DeadLetter>> records) throws SQLException {
    Staging.copy(
        c,
        "tugai_stage_dead_letters",
        "dead_letters",
        LIST,
        rows -> {
          for (SinkRecord<DeadLetter> r : records) {
            DeadLetter d = r.value();
            ByteBuffer payload = d.getPayload().duplicate();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            // A dead letter quotes what was wrong, often the very text the store cannot hold:
            // escape, never refuse.
            rows.integer(r.partition())
                .integer(r.offset())
                .time(d.getOccurredAt())
                .text(StorableText.escape(d.getSource()))
                .text(StorableText.escape(d.getComponent()))
                .text(StorableText.escape(d.getReasonCode()))
                .text(StorableText.escape(d.getReason()))
                .text(StorableText.escape(d.getDeviceId()))
                .bytes(bytes)
                .integer(d.getPayloadSize())
                .bool(d.getPayloadTruncated());
            rows.endRow();
          }
        });
    Staging.merge(c, MERGE);
  }
}
