package org.tugai.streams.store;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Fix;
import org.tugai.schemas.AvroSerde;

/**
 * One collar's state in one store: a summary under the collar's id and its window's fixes under
 * {@link FixKeys}, one entry per fix. One store, so one changelog partition per task: under
 * at-least-once a process killed mid-write leaves a prefix of its writes in the changelog, never
 * the summary of one write with the fixes of another (two stores could each keep a different part).
 * So a processor writes its fix entries first, the summary next and deletes last: a lost tail is
 * put right by the records processed again, and a lost delete leaves only an entry older than the
 * window, which readers skip.
 */
public final class CollarStore<S extends SpecificRecord> {

  private final KeyValueStore<String, byte[]> store;
  private final AvroSerde<S> summaries;
  private final AvroSerde<Fix> fixes;

  public CollarStore(
      KeyValueStore<String, byte[]> store, AvroSerde<S> summaries, AvroSerde<Fix> fixes) {
    this.store = store;
    this.summaries = summaries;
    this.fixes = fixes;
  }

  public S summary(String collar) {
    byte[] bytes = store.get(collar);
    return bytes == null ? null : summaries.decode(bytes);
  }

  public void putSummary(String collar, S summary) {
    store.put(collar, summaries.encode(summary));
  }

  public Fix fix(String key) {
    byte[] bytes = store.get(key);
    return bytes == null ? null : fixes.decode(bytes);
  }

  public void putFix(Fix fix) {
    store.put(FixKeys.of(fix), fixes.encode(fix));
  }

  public void delete(String key) {
    store.delete(key);
  }

  /** The collar's fixes from {@code fromKey} on, in fix-time order. */
  public KeyValueIterator<String, Fix> fixes(String collar, String fromKey) {
    KeyValueIterator<String, byte[]> it = store.range(fromKey, FixKeys.last(collar));
    return new KeyValueIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public KeyValue<String, Fix> next() {
        KeyValue<String, byte[]> kv = it.next();
        return KeyValue.pair(kv.key, fixes.decode(kv.value));
      }

      @Override
      public String peekNextKey() {
        return it.peekNextKey();
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }

  /** All the collar's fix entries from {@code fromKey} on. */
  public List<Fix> window(String collar, String fromKey) {
    List<Fix> out = new ArrayList<>();
    try (KeyValueIterator<String, Fix> it = fixes(collar, fromKey)) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    return out;
  }
}
