package org.tugai.streams.alert.collar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One collar's recent fixes in event-time order, as the collar rules see them. Pure. */
public final class CollarWindow {

  /** A collar reporting every minute for a day stays within this; beyond it the oldest go first. */
  static final int MAX_FIXES = 2_000;

  private CollarWindow() {}

  /**
   * The window with {@code fix} in its event-time place (replacing a fix of the same time: a
   * revision or a duplicate), without the fixes older than {@code keep} before the newest.
   */
  public static List<RuleFix> with(List<RuleFix> fixes, RuleFix fix, Duration keep) {
    List<RuleFix> window = new ArrayList<>(fixes);
    window.removeIf(f -> f.fixTimeMs() == fix.fixTimeMs());
    int at = window.size();
    while (at > 0 && window.get(at - 1).fixTimeMs() > fix.fixTimeMs()) {
      at--;
    }
    window.add(at, fix);
    long horizon = window.get(window.size() - 1).fixTimeMs() - keep.toMillis();
    window.removeIf(f -> f.fixTimeMs() < horizon);
    while (window.size() > MAX_FIXES) {
      window.remove(0);
    }
    return window;
  }
}
