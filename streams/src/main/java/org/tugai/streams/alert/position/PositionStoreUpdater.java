package org.tugai.streams.alert.position;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Fix;

/**
 * Keeps the global store of each collar's latest good position from the compacted positions topic,
 * so a camera's task can find the collared animals near a detection whatever partition they live
 * on. The store holds exactly what the topic holds (latest per key), so restoring it straight from
 * the topic is right.
 */
public final class PositionStoreUpdater implements Processor<String, Fix, Void, Void> {

  public static final String STORE = "positions-by-collar";

  private KeyValueStore<String, Fix> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, Fix> record) {
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
