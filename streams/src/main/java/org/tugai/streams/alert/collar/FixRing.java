package org.tugai.streams.alert.collar;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * Fixes in event-time order in a circular array: a window gains its new fixes at the end and loses
 * its old ones at the start, both in constant time, and is read by index. A late fix is inserted by
 * shifting only the fixes after it.
 */
final class FixRing extends AbstractList<RuleFix> implements RandomAccess {

  private RuleFix[] items = new RuleFix[16];
  private int head;
  private int size;

  @Override
  public RuleFix get(int index) {
    return items[slot(checked(index))];
  }

  @Override
  public int size() {
    return size;
  }

  RuleFix first() {
    return size == 0 ? null : items[head];
  }

  RuleFix last() {
    return size == 0 ? null : items[slot(size - 1)];
  }

  @Override
  public RuleFix set(int index, RuleFix fix) {
    int s = slot(checked(index));
    RuleFix old = items[s];
    items[s] = fix;
    return old;
  }

  @Override
  public void add(int index, RuleFix fix) {
    if (index < 0 || index > size) {
      throw new IndexOutOfBoundsException(index);
    }
    if (size == items.length) {
      grow();
    }
    for (int i = size; i > index; i--) {
      items[slot(i)] = items[slot(i - 1)];
    }
    items[slot(index)] = fix;
    size++;
  }

  @Override
  public RuleFix remove(int index) {
    RuleFix old = get(index);
    if (index == 0) {
      return removeFirst();
    }
    for (int i = index; i < size - 1; i++) {
      items[slot(i)] = items[slot(i + 1)];
    }
    items[slot(size - 1)] = null;
    size--;
    return old;
  }

  RuleFix removeFirst() {
    RuleFix old = items[head];
    items[head] = null;
    head = (head + 1) % items.length;
    size--;
    return old;
  }

  /**
   * The index of the fix at {@code fixTimeMs}, or {@code -(insertion point) - 1} as {@link
   * java.util.Collections#binarySearch} gives it. The newest first: that is where fixes arrive.
   */
  int indexOf(long fixTimeMs) {
    int i = size > 0 && last().fixTimeMs() < fixTimeMs ? size : firstAtOrAfter(this, fixTimeMs);
    return i < size && get(i).fixTimeMs() == fixTimeMs ? i : -i - 1;
  }

  /**
   * The first index of time-ordered {@code fixes} at or after {@code fixTimeMs}: a binary search.
   */
  static int firstAtOrAfter(List<RuleFix> fixes, long fixTimeMs) {
    int low = 0;
    int high = fixes.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (fixes.get(mid).fixTimeMs() < fixTimeMs) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private void grow() {
    RuleFix[] bigger = new RuleFix[items.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i] = items[slot(i)];
    }
    Arrays.fill(items, null);
    items = bigger;
    head = 0;
  }

  private int slot(int index) {
    return (head + index) % items.length;
  }

  private int checked(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return index;
  }
}
