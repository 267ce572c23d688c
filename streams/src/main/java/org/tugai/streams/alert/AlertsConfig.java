package org.tugai.streams.alert;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.tugai.core.config.Settings;

/**
 * Configuration of the alert rules, validated at start-up: the thresholds ({@link AlertParams})
 * with their per-species and per-zone overrides, and the settings that hold for every rule.
 *
 * @param enabled {@code alerts.enabled}: run the alert rules in this streams instance
 * @param base thresholds for every animal and zone without an override
 * @param bySpecies {@code alerts.by-species.{scientific name}.*}
 * @param byZone {@code alerts.by-zone.{zone id}.*}; a zone override wins over a species override
 * @param window {@code alerts.window}: event time of fixes the collar rules keep per collar
 * @param silenceCheckEvery {@code alerts.silence.check-every}: wall-clock period of the silence
 *     sweep
 * @param retainResolved {@code alerts.retain-resolved}: how long a resolved alert is remembered (a
 *     late ack still finds it)
 * @param dogSpecies {@code alerts.intrusion.dog-species}: species names that count as dogs
 * @param protectedTypes {@code alerts.protected-zone-types}: zone types where intrusion and leaving
 *     count
 * @param farmlandTypes {@code alerts.farmland-zone-types}: zone types whose entry from a protected
 *     area is human-wildlife conflict
 * @param hazardTypes {@code alerts.hazard-zone-types}: zone types whose entry is a hazard
 * @param cachedFixes {@code alerts.cached-fixes}: fixes of the collar rules' windows held decoded
 *     in memory, over all collars and tasks of an instance (600,000, about 46 MB); 0 reads every
 *     window from its store
 * @param silenceIntervalByChannel {@code alerts.silence.expected-interval-by-channel.{channel}}:
 *     the interval a device of that channel is expected to report at when its deployment names none
 *     (a Globalstar collar relays twice a day); it beats the learned interval
 */
public record AlertsConfig(
    boolean enabled,
    AlertParams base,
    Map<String, AlertParams> bySpecies,
    Map<String, AlertParams> byZone,
    Duration window,
    Duration silenceCheckEvery,
    Duration retainResolved,
    Set<String> dogSpecies,
    Set<String> protectedTypes,
    Set<String> farmlandTypes,
    Set<String> hazardTypes,
    int cachedFixes,
    Map<String, Duration> silenceIntervalByChannel) {

  public static AlertsConfig from(Settings s) {
    AlertParams base = AlertParams.from(s, "alerts.", AlertParams.defaults());
    Map<String, AlertParams> bySpecies = new LinkedHashMap<>();
    SortedSet<String> species = new TreeSet<>(SpeciesDefaults.species());
    species.addAll(s.names("alerts.by-species."));
    for (String name : species) {
      // The operator's keys win over the shipped species defaults, which win over the base.
      AlertParams shipped = SpeciesDefaults.params(name, base);
      bySpecies.put(name, AlertParams.from(s, "alerts.by-species." + name + ".", shipped));
    }
    Map<String, AlertParams> byZone = new LinkedHashMap<>();
    for (String zone : s.names("alerts.by-zone.")) {
      byZone.put(zone, AlertParams.from(s, "alerts.by-zone." + zone + ".", base));
    }
    return new AlertsConfig(
        s.bool("alerts.enabled", true),
        base,
        Map.copyOf(bySpecies),
        Map.copyOf(byZone),
        s.duration("alerts.window", Duration.ofHours(24), Duration.ofHours(1), Duration.ofDays(14)),
        s.duration(
            "alerts.silence.check-every",
            Duration.ofMinutes(1),
            Duration.ofMillis(100),
            Duration.ofHours(1)),
        s.duration(
            "alerts.retain-resolved",
            Duration.ofDays(7),
            Duration.ofMinutes(1),
            Duration.ofDays(365)),
        Set.copyOf(
            s.list(
                "alerts.intrusion.dog-species",
                List.of("Canis familiaris", "Canis lupus familiaris"))),
        Set.copyOf(s.list("alerts.protected-zone-types", List.of("protected-area"))),
        Set.copyOf(s.list("alerts.farmland-zone-types", List.of("farmland"))),
        Set.copyOf(s.list("alerts.hazard-zone-types", List.of("hazard"))),
        s.integer("alerts.cached-fixes", 600_000, 0, 100_000_000),
        silenceByChannel(s));
  }

  private static Map<String, Duration> silenceByChannel(Settings s) {
    Map<String, Duration> out = new LinkedHashMap<>();
    String prefix = "alerts.silence.expected-interval-by-channel.";
    for (String channel : s.group(prefix).keySet()) {
      out.put(
          channel,
          s.duration(
              prefix + channel, Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(60)));
    }
    return Map.copyOf(out);
  }

  /**
   * The thresholds where the given zones and species apply: the first zone with an override, else
   * the species', else the base.
   */
  public AlertParams params(List<String> zones, String species) {
    for (String zone : zones) {
      AlertParams p = byZone.get(zone);
      if (p != null) {
        return p;
      }
    }
    if (species != null) {
      AlertParams p = bySpecies.get(species);
      if (p != null) {
        return p;
      }
    }
    return base;
  }

  /**
   * The longest stretch of fixes the immobility rule looks back over in any scope (twice its
   * critical duration, so the start of the stillness is in view): the collar window must hold it.
   */
  public Duration longestRuleWindow() {
    Duration longest = base.immobilityCriticalAfter();
    for (AlertParams p : bySpecies.values()) {
      longest =
          p.immobilityCriticalAfter().compareTo(longest) > 0
              ? p.immobilityCriticalAfter()
              : longest;
    }
    for (AlertParams p : byZone.values()) {
      longest =
          p.immobilityCriticalAfter().compareTo(longest) > 0
              ? p.immobilityCriticalAfter()
              : longest;
    }
    return longest.multipliedBy(2);
  }
}
