package org.tugai.streams.store;

import java.time.Instant;
import org.tugai.avro.Fix;

/**
 * Keys of the stores that hold one entry per fix: {@code collar|} and the fix time as 16 hex digits with the
 * sign bit flipped, so the store's byte order is fix-time order for every time, before 1970 too, and one collar's
 * fixes are one key range. Collar ids cannot hold '|' (the gateway's id rule).
 */
public final class FixKeys {

  private FixKeys() {}

  public static String of(Fix f) {
    return of(f.getCollarId(), f.getFixTime().toEpochMilli());
  }

  public static String of(String collar, Instant t) {
    return of(collar, t.toEpochMilli());
  }

  public static String of(String collar, long epochMillis) {
    return collar + "|" + String.format("%016x", epochMillis ^ Long.MIN_VALUE);
  }

  /** The smallest key of the collar's range. */
  public static String first(String collar) {
    return of(collar, Long.MIN_VALUE);
  }

  /** The largest key of the collar's range. */
  public static String last(String collar) {
    return of(collar, Long.MAX_VALUE);
  }
}
