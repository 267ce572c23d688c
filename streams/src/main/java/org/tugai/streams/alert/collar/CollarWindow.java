package org.tugai.streams.alert.collar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One collar's recent fixes in event-time order, as the collar rules see them, kept up to date fix
 * by fix: a fix after the newest (the common case) is appended and the fixes that fell out of the
 * window dropped from the start, so its cost does not grow with the window. The good fixes, and the
 * newest mortality and battery readings, are kept alongside, so no rule has to look through the
 * window for them.
 */
public final class CollarWindow {

  /** A collar reporting every minute for a day stays within this; beyond it the oldest go first. */
  static final int MAX_FIXES = 2_000;

  private final FixRing fixes = new FixRing();
  private final FixRing good = new FixRing();
  private RuleFix newestMortality;
  private RuleFix newestBattery;

  /** A window of {@code fixes}, in event-time order (as the store gives them). */
  public static CollarWindow of(List<RuleFix> fixes) {
    CollarWindow w = new CollarWindow();
    for (RuleFix f : fixes) {
      w.fixes.add(f);
      if (f.good()) {
        w.good.add(f);
      }
      w.noteReadings(f);
    }
    return w;
  }

  /**
   * Puts {@code fix} in its event-time place (replacing a fix of the same time: a revision or a
   * duplicate) and drops the fixes older than {@code keep} before the newest; returns those that
   * left, oldest first (the fix itself if it is older than the window).
   */
  public List<RuleFix> add(RuleFix fix, Duration keep) {
    int at = fixes.indexOf(fix.fixTimeMs());
    RuleFix replaced = null;
    if (at >= 0) {
      replaced = fixes.set(at, fix);
    } else {
      fixes.add(-at - 1, fix);
    }
    if (replaced != null && replaced.good()) {
      good.remove(good.indexOf(replaced.fixTimeMs()));
    }
    if (fix.good()) {
      good.add(-good.indexOf(fix.fixTimeMs()) - 1, fix);
    }
    if (replaced != null && (replaced == newestMortality || replaced == newestBattery)) {
      findReadings();
    } else {
      noteReadings(fix);
    }
    long horizon = fixes.last().fixTimeMs() - keep.toMillis();
    List<RuleFix> left = List.of();
    while (fixes.size() > 0 && (fixes.first().fixTimeMs() < horizon || fixes.size() > MAX_FIXES)) {
      RuleFix old = fixes.removeFirst();
      if (good.size() > 0 && good.first() == old) {
        good.removeFirst();
      }
      if (old == newestMortality) {
        newestMortality = null; // the newest reading left: every older one has too
      }
      if (old == newestBattery) {
        newestBattery = null;
      }
      if (left.isEmpty()) {
        left = new ArrayList<>();
      }
      left.add(old);
    }
    return left;
  }

  private void noteReadings(RuleFix f) {
    if (f.getMortality() != null
        && (newestMortality == null || f.fixTimeMs() > newestMortality.fixTimeMs())) {
      newestMortality = f;
    }
    if (f.hasBattery() && (newestBattery == null || f.fixTimeMs() > newestBattery.fixTimeMs())) {
      newestBattery = f;
    }
  }

  /** After a revision took a reading away: the only case that looks through the window. */
  private void findReadings() {
    newestMortality = null;
    newestBattery = null;
    for (int i = fixes.size() - 1;
        i >= 0 && (newestMortality == null || newestBattery == null);
        i--) {
      RuleFix f = fixes.get(i);
      if (newestMortality == null && f.getMortality() != null) {
        newestMortality = f;
      }
      if (newestBattery == null && f.hasBattery()) {
        newestBattery = f;
      }
    }
  }

  /** Every fix of the window, oldest first; a view, not to be changed. */
  public List<RuleFix> fixes() {
    return Collections.unmodifiableList(fixes);
  }

  /** The fixes the rules may use ({@link RuleFix#good()}), oldest first; a view. */
  public List<RuleFix> good() {
    return Collections.unmodifiableList(good);
  }

  public int size() {
    return fixes.size();
  }

  /** The newest fix, or null. */
  public RuleFix newest() {
    return fixes.last();
  }

  /** The newest good fix, or null. */
  public RuleFix newestGood() {
    return good.last();
  }

  /** The index in {@link #fixes()} of the newest fix with a mortality reading, or -1. */
  public int newestMortalityIndex() {
    return newestMortality == null ? -1 : fixes.indexOf(newestMortality.fixTimeMs());
  }

  /** The newest fix with a battery reading, or null. */
  public RuleFix newestBattery() {
    return newestBattery;
  }
}
