package org.tugai.streams.dedupe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Fix;

/**
 * Passes the first copy of each fix, by natural key {@code (collarId, fixTime)}; later copies
 * (devices retry, gateways restart, a study is replayed twice) are dropped. A key is remembered for
 * {@code retention} of wall-clock time after it arrived, whatever the fix's own age: a two-year-old
 * fix replayed a second time is a duplicate as surely as one from an hour ago, which a store
 * windowed by event time could not say once stream time had moved past it. Keys expire in arrival
 * order through a second store indexed by arrival time, so a sweep touches only what expires.
 */
public final class FixDedupeProcessor implements Processor<String, Fix, String, Fix> {

  /** Natural key -> arrival (wall-clock ms). */
  public static final String STORE = "fix-seen";

  /** {@code arrival ms (19 digits)|natural key} -> nothing: the expiry index. */
  public static final String BY_ARRIVAL = "fix-seen-by-arrival";

  static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

  /**
   * At most this many keys expire per sweep, so a sweep after a large replay never stalls the
   * thread for long.
   */
  static final int SWEEP_MAX = 50_000;

  private final Duration retention;
  private ProcessorContext<String, Fix> context;
  private KeyValueStore<String, Long> seen;
  private KeyValueStore<String, String> byArrival;

  public FixDedupeProcessor(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<String, Fix> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
    this.byArrival = context.getStateStore(BY_ARRIVAL);
    context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void process(Record<String, Fix> record) {
    Fix fix = record.value();
    if (fix == null) {
      return;
    }
    String key = naturalKey(fix);
    if (seen.get(key) != null) {
      return;
    }
    long now = context.currentSystemTimeMs();
    seen.put(key, now);
    byArrival.put(arrivalKey(now, key), "");
    context.forward(record.withKey(fix.getCollarId()));
  }

  /** Forgets keys that arrived more than {@code retention} ago. */
  void sweep(long now) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        byArrival.range(arrivalKey(0, ""), arrivalKey(now - retention.toMillis(), ""))) {
      while (it.hasNext() && expired.size() < SWEEP_MAX) {
        KeyValue<String, String> next = it.next();
        expired.add(next.key);
      }
    }
    for (String indexKey : expired) {
      byArrival.delete(indexKey);
      seen.delete(indexKey.substring(20));
    }
  }

  static String arrivalKey(long arrivalMs, String naturalKey) {
    return String.format("%019d|%s", Math.max(0, arrivalMs), naturalKey);
  }

  public static String naturalKey(Fix fix) {
    return fix.getCollarId() + "@" + fix.getFixTime().toEpochMilli();
  }
}
