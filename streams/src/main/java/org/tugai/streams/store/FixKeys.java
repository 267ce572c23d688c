package org.tugai.streams.store;

import java.time.Instant;
import org.tugai.avro.Fix;

/**
 * Keys of the stores that hold one entry per fix: {@code collar|} and the fix time as 16 hex digits
 * with the sign bit flipped, so the store's byte order is fix-time order for every time, before
 * 1970 too, and one collar's fixes are one key range. Collar ids cannot hold '|' (the gateway's id
 * rule). A processor's other per-fix entries ({@link #checkpoint}) put '~' before the digits: '~'
 * sorts after every hex digit, so they are a range of their own, outside the fixes'.
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
    String hex =
        Long.toHexString(
            epochMillis ^ Long.MIN_VALUE); // not String.format: a format is parsed per call
    StringBuilder b = new StringBuilder(collar.length() + 17).append(collar).append('|');
    for (int i = hex.length(); i < 16; i++) {
      b.append('0');
    }
    return b.append(hex).toString();
  }

  /** The key of an entry that belongs to the collar's fix at {@code epochMillis} but is not it. */
  public static String checkpoint(String collar, long epochMillis) {
    String fix = of(collar, epochMillis);
    int digits = fix.length() - 16;
    return fix.substring(0, digits) + '~' + fix.substring(digits);
  }

  /** The fix time a key names (a fix's or a checkpoint's), in epoch milliseconds. */
  public static long timeOf(String key) {
    return Long.parseUnsignedLong(key.substring(key.length() - 16), 16) ^ Long.MIN_VALUE;
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
