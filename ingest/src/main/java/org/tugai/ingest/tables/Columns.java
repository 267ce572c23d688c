package org.tugai.ingest.tables;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Column lists for staged upserts, written once per table. */
final class Columns {

  private Columns() {}

  static String list(String... columns) {
    return String.join(", ", columns);
  }

  /**
   * {@code c = EXCLUDED.c} for every column not in the conflict key (and not specially handled).
   */
  static String updateAll(String[] columns, Set<String> except) {
    return Arrays.stream(columns)
        .filter(c -> !except.contains(c))
        .map(c -> c + " = EXCLUDED." + c)
        .collect(Collectors.joining(", "));
  }
}
