package org.tugai.schemas;

import java.util.Set;

/**
 * The quality flags of a {@code Fix} ({@code qualityFlags}): one home for the words the gateway and
 * streams set and the store, the API and the rules read. A flagged fix is stored, never dropped,
 * and never triggers a crossing.
 */
public final class FixFlags {

  /** No position: the receiver found no fix. */
  public static final String FAILED_FIX = "failed-fix";

  /** Position (0, 0). */
  public static final String NULL_ISLAND = "null-island";

  /** DOP too high, too few satellites, or a 2D fix. */
  public static final String POOR_QUALITY = "poor-quality";

  /** A spike: too fast away from the previous fix and too fast back to the next. */
  public static final String OUTLIER = "outlier";

  /** Arrived later than the grace period: stored, but it no longer revises flags or crossings. */
  public static final String LATE = "late";

  /** No deployment of the collar covers the fix time. */
  public static final String NO_DEPLOYMENT = "no-deployment";

  /**
   * Set by the gateway: the device is in no deployment and {@code gateway.unknown-devices} is
   * {@code accept}.
   */
  public static final String UNKNOWN_DEVICE = "unknown-device";

  /**
   * Flags streams computes; other flags (such as the gateway's unknown-device) are carried through
   * as they came.
   */
  public static final Set<String> COMPUTED =
      Set.of(FAILED_FIX, NULL_ISLAND, POOR_QUALITY, OUTLIER, LATE, NO_DEPLOYMENT);

  /** Flags that say the position is wrong: such a fix is no evidence of where the animal was. */
  public static final Set<String> BAD_POSITION = Set.of(OUTLIER, POOR_QUALITY, NULL_ISLAND);

  private FixFlags() {}
}
