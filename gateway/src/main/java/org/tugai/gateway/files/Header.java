package org.tugai.gateway.files;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A vendor file's header row, looked up by normalized names: lower case, units in brackets dropped,
 * only letters and digits kept, so {@code Latitude [°]}, {@code latitude} and {@code LATITUDE} are
 * one column, and a vendor's renamed column is one more alias in one place.
 */
final class Header {

  private final Map<String, Integer> index = new HashMap<>();

  Header(List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      index.putIfAbsent(normalize(cells.get(i)), i);
    }
  }

  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT)
        .replaceAll("\\[[^]]*]|\\([^)]*\\)", "")
        .replaceAll("[^a-z0-9]", "");
  }

  boolean has(String... aliases) {
    return column(aliases).isPresent();
  }

  Optional<Integer> column(String... aliases) {
    for (String a : aliases) {
      Integer i = index.get(normalize(a));
      if (i != null) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * The cell under the first alias present, trimmed; empty when the column is absent or the cell
   * blank or "NA".
   */
  Optional<String> cell(DelimitedText.Line line, String... aliases) {
    return column(aliases)
        .map(line::cell)
        .filter(v -> !v.isEmpty() && !v.equalsIgnoreCase("NA") && !v.equals("-"));
  }
}
