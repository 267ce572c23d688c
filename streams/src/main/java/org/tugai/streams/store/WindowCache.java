package org.tugai.streams.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tugai.avro.Fix;

/**
 * Decoded windows of the collars seen last, least recently used out first, at most a number of
 * fixes over all of them: reading a window back from its store entries costs a decode per fix,
 * which a busy collar should not pay for every fix. Only a processor's own task writes its collars,
 * so a held window is current as long as it has as many fixes as the store says.
 */
public final class WindowCache {

  private final int maxFixes;
  private int fixes;
  private final LinkedHashMap<String, List<Fix>> windows = new LinkedHashMap<>(1024, 0.75f, true);

  public WindowCache(int maxFixes) {
    this.maxFixes = maxFixes;
  }

  public List<Fix> get(String collar) {
    return windows.get(collar);
  }

  public void put(String collar, List<Fix> window) {
    List<Fix> old = windows.put(collar, window);
    fixes += window.size() - (old == null ? 0 : old.size());
    var it = windows.entrySet().iterator();
    while (fixes > maxFixes && it.hasNext()) {
      Map.Entry<String, List<Fix>> eldest = it.next();
      if (eldest.getKey().equals(collar)) {
        continue;
      }
      fixes -= eldest.getValue().size();
      it.remove();
    }
  }

  public void clear() {
    windows.clear();
    fixes = 0;
  }
}
