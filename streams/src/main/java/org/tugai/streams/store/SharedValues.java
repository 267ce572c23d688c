package org.tugai.streams.store;

import java.util.List;
import org.tugai.avro.Fix;

/**
 * Makes the fixes of one window share their equal text and lists: decoded, every fix carries its
 * own copies of the collar id, source, deployment, animal, country, zones and flags, more than half
 * of a held fix's heap (a heap histogram of a soak instance: 400,000 held fixes, 2.2 million
 * strings). Values are only ever replaced, never changed in place, so sharing them changes nothing
 * but memory.
 */
public final class SharedValues {

  private SharedValues() {}

  private static final int FIELDS = Fix.getClassSchema().getFields().size();

  /** Gives {@code fix} the instances of {@code like} where their text or lists are equal. */
  public static void share(Fix fix, Fix like) {
    if (fix == like) {
      return;
    }
    for (int i = 0; i < FIELDS; i++) {
      Object mine = fix.get(i);
      Object theirs = like.get(i);
      if (mine != theirs
          && (mine instanceof CharSequence || mine instanceof List)
          && mine.equals(theirs)) {
        fix.put(i, theirs);
      }
    }
  }

  /** Shares each fix's values with the fix before it. */
  public static List<Fix> shareAll(List<Fix> window) {
    for (int i = 1; i < window.size(); i++) {
      share(window.get(i), window.get(i - 1));
    }
    return window;
  }
}
