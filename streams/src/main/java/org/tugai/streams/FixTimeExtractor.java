package org.tugai.streams;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.tugai.avro.Fix;

/**
 * Event time of a fix is when it was taken, not when it arrived: satellite collars upload hours
 * late.
 */
public final class FixTimeExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof Fix fix) {
      return fix.getFixTime().toEpochMilli();
    }
    return record.timestamp();
  }
}
