package org.tugai.streams.dedupe;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.tugai.avro.Fix;

/**
 * Passes each fix once per natural key {@code (collarId, fixTime)}. Devices retry and gateways restart, so
 * the same fix arrives more than once; keys are kept in a window store for the configured retention of
 * event time, older ones expire with their segments.
 */
public final class FixDedupeProcessor implements Processor<String, Fix, String, Fix> {

  public static final String STORE = "fix-dedupe";

  private ProcessorContext<String, Fix> context;
  private WindowStore<String, Long> seen;

  @Override
  public void init(ProcessorContext<String, Fix> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, Fix> record) {
    Fix fix = record.value();
    if (fix == null) {
      return;
    }
    long fixTime = fix.getFixTime().toEpochMilli();
    String key = naturalKey(fix);
    if (seen.fetch(key, fixTime) != null) {
      return;
    }
    seen.put(key, context.currentSystemTimeMs(), fixTime);
    context.forward(record.withKey(fix.getCollarId()));
  }

  public static String naturalKey(Fix fix) {
    return fix.getCollarId() + "@" + fix.getFixTime().toEpochMilli();
  }
}
