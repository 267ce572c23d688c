package org.tugai.streams.store;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded windows of one task's collars ({@code W}, holding what its reader needs of each fix):
 * reading a window back from its store entries costs a decode per fix, which a busy collar should
 * not pay for every fix. Only a processor's own task writes its collars, so a held window is
 * current as long as it has as many fixes as the store says.
 *
 * <p>All tasks of an instance share one {@link Budget} of fixes, as {@code alerts.cached-fixes}
 * promises (a budget per task multiplied the heap by the tasks an instance happens to run: a soak
 * instance with two tasks held 400,000 fixes in a 384 MB heap and spent its time collecting
 * garbage). A window that does not fit is not held, rather than pushing out the least recently
 * used: fixes arrive collar after collar, so when the windows do not all fit, least-recently-used
 * eviction drops each window just before its collar's next fix and nothing is ever read from
 * memory, while holding those that fit keeps that share of the reads in memory. Windows unused for
 * {@link #IDLE} (a collar gone quiet, a task's collars moved elsewhere) make room.
 */
public final class WindowCache<W> {

  /** The fixes all window caches of one streams instance may hold between them. */
  public static final class Budget {

    private final long max;
    private final AtomicLong used = new AtomicLong();

    public Budget(long max) {
      this.max = max;
    }

    /** Takes {@code fixes} (released if negative); false, and nothing taken, if over the budget. */
    boolean take(long fixes) {
      while (true) {
        long now = used.get();
        if (fixes > 0 && now + fixes > max) {
          return false;
        }
        if (used.compareAndSet(now, now + fixes)) {
          return true;
        }
      }
    }

    public long used() {
      return used.get();
    }
  }

  /** A window unused this long may be dropped to make room for another. */
  public static final Duration IDLE = Duration.ofMinutes(10);

  /**
   * A window and the fixes it was held with: the reader may change a window in place, so its size
   * as taken from the budget is remembered, not asked again.
   */
  private static final class Held<W> {
    final W window;
    final long fixes;
    long usedAtMs;

    Held(W window, long fixes, long usedAtMs) {
      this.window = window;
      this.fixes = fixes;
      this.usedAtMs = usedAtMs;
    }
  }

  private final Budget budget;
  private final LinkedHashMap<String, Held<W>> windows = new LinkedHashMap<>(1024, 0.75f, true);

  public WindowCache(Budget budget) {
    this.budget = budget;
  }

  /** The collar's held window, or null. */
  public W get(String collar, long nowMs) {
    Held<W> held = windows.get(collar);
    if (held == null) {
      return null;
    }
    held.usedAtMs = nowMs;
    return held.window;
  }

  /**
   * Holds the collar's window of {@code fixes} fixes if the budget allows, after dropping idle
   * windows if need be.
   */
  public void put(String collar, W window, long fixes, long nowMs) {
    Held<W> old = windows.get(collar);
    long change = fixes - (old == null ? 0 : old.fixes);
    if (!budget.take(change)) {
      dropIdle(collar, nowMs);
      if (!budget.take(change)) {
        if (old != null) {
          windows.remove(collar);
          budget.take(-old.fixes);
        }
        return;
      }
    }
    windows.put(collar, new Held<>(window, fixes, nowMs));
  }

  private void dropIdle(String keep, long nowMs) {
    // Access order: the least recently used first, so the idle ones lead.
    Iterator<Map.Entry<String, Held<W>>> it = windows.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Held<W>> eldest = it.next();
      if (nowMs - eldest.getValue().usedAtMs < IDLE.toMillis()) {
        return;
      }
      if (!eldest.getKey().equals(keep)) {
        budget.take(-eldest.getValue().fixes);
        it.remove();
      }
    }
  }

  /** Drops every window, giving its fixes back to the budget. */
  public void clear() {
    long held = size();
    windows.clear();
    budget.take(-held);
  }

  /** Fixes held by this cache. */
  public long size() {
    long held = 0;
    for (Held<W> h : windows.values()) {
      held += h.fixes;
    }
    return held;
  }
}
