package org.tugai.streams.alert;

import java.util.Map;
import java.util.Set;
import org.tugai.core.config.Settings;

/**
 * Rule thresholds shipped for the species Tugai has example deployments for, laid between the base
 * thresholds and the operator's {@code alerts.by-species.*} keys (which win). Each entry names its
 * source in README's "Welfare rules" section; a species not listed here uses the base thresholds. A
 * shipped key wins over the same key at the base ({@code alerts.immobility.*}): what is known of a
 * species beats a generic default.
 */
public final class SpeciesDefaults {

  /**
   * Red deer, including the Bukhara deer. GPS tracks of large ungulates at hourly fixes show rest
   * bouts of 6-8 h within 13 m and up to 13 h within 20 m; a carcass stays within a few metres of
   * GPS scatter for good. 10 h within 13 m is past the longest rest within that radius and still
   * leaves hourly fixes (with a few missing) under 12 h from death to alert; {@code bin/bench
   * alert-precision} shows both on simulated tracks.
   */
  private static final Map<String, String> RED_DEER =
      Map.of(
          "immobility.critical-after", "10h",
          "immobility.inactive-after", "6h");

  private static final Map<String, Map<String, String>> SHIPPED =
      Map.of(
          "Cervus elaphus", RED_DEER,
          "Cervus elaphus bactrianus", RED_DEER);

  private SpeciesDefaults() {}

  public static Set<String> species() {
    return SHIPPED.keySet();
  }

  /**
   * The shipped thresholds for {@code species} over {@code base}; {@code base} itself for a species
   * not shipped.
   */
  public static AlertParams params(String species, AlertParams base) {
    Map<String, String> keys = SHIPPED.get(species);
    return keys == null ? base : AlertParams.from(Settings.of(keys), "", base);
  }
}
