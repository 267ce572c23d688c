package org.tugai.core.store;

import java.util.Set;
import java.util.stream.Collectors;
import org.tugai.schemas.FixFlags;

/**
 * What makes a stored fix good enough for a track line, a last position or a daily mean: it has a
 * position and none of the quality flags that mean the position is wrong. The one definition the
 * store's views and the API share.
 */
public final class GoodFixes {

  /** Quality flags (set by streams) that disqualify a position. */
  public static final Set<String> BAD_FLAGS = FixFlags.BAD_POSITION;

  /** The same rule as a SQL condition on the {@code fixes} table. */
  public static final String SQL =
      "lat IS NOT NULL AND lon IS NOT NULL AND NOT (quality_flags && ARRAY["
          + BAD_FLAGS.stream().sorted().map(f -> "'" + f + "'").collect(Collectors.joining(", "))
          + "]::text[])";

  private GoodFixes() {}
}
