package org.tugai.streams.alert.collar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertType;
import org.tugai.avro.Fix;
import org.tugai.avro.Severity;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.GeoFeature;
import org.tugai.schemas.FixFlags;
import org.tugai.streams.alert.AlertParams;
import org.tugai.streams.alert.Alerts;
import org.tugai.streams.alert.AlertsConfig;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.track.TrackParams;

/**
 * The rules on one collar's recent fixes, in event time: the collar's mortality signal, immobility,
 * possible transport, low battery, and geofences (leaving a protected area into farmland, entering
 * a hazard zone). Each rule says whether its incident holds now; comparing with the incidents
 * already open gives the alert updates to send. Pure: the processor keeps the state.
 */
public final class CollarRules {

  /** Flags that make a position unusable for the rules; others (late, no-deployment) do not. */
  private static final Set<String> BAD =
      Set.of(FixFlags.FAILED_FIX, FixFlags.NULL_ISLAND, FixFlags.POOR_QUALITY, FixFlags.OUTLIER);

  private final AlertsConfig config;
  private final TrackParams track;
  private final Geodata geo;

  /**
   * How far back the immobility rule looks in any scope: fixed by the configuration, so worked out
   * once.
   */
  private final Duration stillnessLookBack;

  public CollarRules(AlertsConfig config, TrackParams track, Geodata geo) {
    this.config = config;
    this.track = track;
    this.geo = geo;
    this.stillnessLookBack = config.longestRuleWindow();
  }

  /**
   * What the rules decided: the incidents open now, and the alert records to send (new, updated,
   * resolved).
   */
  public record Result(Map<String, Alert> open, List<Alert> updates) {}

  /** A position the rules may use. */
  public static boolean good(Fix f) {
    return f.getLat() != null
        && f.getLon() != null
        && f.getQualityFlags().stream().noneMatch(BAD::contains);
  }

  /**
   * The rules on the collar's window as it is now. Each rule reads the newest fixes, and no further
   * back than its incident needs (a new geofence incident reads back to where it began, an open one
   * only its newest evidence), so a fix costs the same whatever the window holds.
   */
  public Result evaluate(
      String collar, String species, CollarWindow w, Map<String, Alert> open, Instant now) {
    List<RuleFix> window = w.fixes();
    List<RuleFix> good = w.good();
    RuleFix latestGood = w.newestGood();
    AlertParams p = config.params(latestGood == null ? List.of() : latestGood.getZones(), species);
    Map<String, Alert> wanted = new HashMap<>();
    mortality(collar, window, w.newestMortalityIndex(), latestGood, open.get("mortality"), now)
        .ifPresent(a -> wanted.put("mortality", a));
    immobility(collar, good, p, open.get("immobility"), now)
        .ifPresent(a -> wanted.put("immobility", a));
    transport(collar, species, good, p, open.get("transport"), now)
        .ifPresent(a -> wanted.put("transport", a));
    lowBattery(collar, w.newestBattery(), latestGood, p, open.get("low-battery"), now)
        .ifPresent(a -> wanted.put("low-battery", a));
    geofences(collar, good, p, open, now, wanted);

    Map<String, Alert> stillOpen = new LinkedHashMap<>();
    List<Alert> updates = new ArrayList<>();
    for (Map.Entry<String, Alert> e : wanted.entrySet()) {
      Alert before = open.get(e.getKey());
      Alert after = e.getValue();
      stillOpen.put(e.getKey(), after);
      if (Alerts.changed(before, after)) {
        updates.add(after);
      }
    }
    for (Map.Entry<String, Alert> e : open.entrySet()) {
      if (!wanted.containsKey(e.getKey())) {
        Instant last =
            window.isEmpty()
                ? e.getValue().getLastSeen()
                : window.get(window.size() - 1).getFixTime();
        updates.add(Alerts.resolved(e.getValue(), resolution(e.getKey()), last, now));
      }
    }
    return new Result(stillOpen, updates);
  }

  private static String resolution(String rule) {
    return switch (rule) {
      case "mortality" -> "collar reports the animal alive";
      case "immobility" -> "moving again";
      case "transport" -> "movement back to normal";
      case "low-battery" -> "battery recovered";
      default -> "left the zone";
    };
  }

  private Alert.Builder base(
      Alert before,
      String collar,
      String rule,
      AlertType type,
      Severity severity,
      Instant first,
      Instant last,
      RuleFix at,
      Instant now) {
    String id = before != null ? before.getAlertId() : Alerts.id(collar, rule, first);
    Instant firstSeen =
        before != null && before.getFirstSeen().isBefore(first) ? before.getFirstSeen() : first;
    Alert.Builder b =
        Alerts.open(id, type, severity, firstSeen, last, now)
            .setDeviceId(collar)
            .setAnimalId(at == null ? null : at.getAnimalId());
    if (at != null && at.hasPosition()) {
      b.setLat(at.getLat()).setLon(at.getLon()).setZones(at.getZones()).setChannels(channels(at));
    }
    return b;
  }

  private static List<String> channels(RuleFix at) {
    List<String> channels = new ArrayList<>(Alerts.channels(at.getZones()));
    if (channels.isEmpty() && at.getCountry() != null) {
      channels.add(at.getCountry());
    }
    return channels;
  }

  private static String who(String collar, RuleFix at) {
    return at != null && at.getAnimalId() != null
        ? at.getAnimalId() + " (collar " + collar + ")"
        : "collar " + collar;
  }

  /**
   * The collar's own sensor: the latest reading decides ({@code last}, its index in the window);
   * the incident starts at the first reading of the run.
   */
  private Optional<Alert> mortality(
      String collar,
      List<RuleFix> window,
      int last,
      RuleFix latestGood,
      Alert before,
      Instant now) {
    if (last < 0 || !window.get(last).getMortality()) {
      return Optional.empty();
    }
    // An open incident keeps its start: only its newest evidence is read again.
    int first = last;
    int readings = 1;
    while (first > 0
        && !Boolean.FALSE.equals(window.get(first - 1).getMortality())
        && (before == null || readings < Alerts.MAX_EVIDENCE)) {
      first--;
      if (window.get(first).getMortality() != null) {
        readings++;
      }
    }
    while (window.get(first).getMortality() == null) {
      first++;
    }
    List<String> evidence = new ArrayList<>();
    for (int i = first; i <= last; i++) {
      if (Boolean.TRUE.equals(window.get(i).getMortality())) {
        evidence.add(key(window.get(i)));
      }
    }
    RuleFix at = latestGood != null ? latestGood : window.get(last);
    return Optional.of(
        base(
                before,
                collar,
                "mortality",
                AlertType.MORTALITY,
                Severity.CRITICAL,
                window.get(first).getFixTime(),
                window.get(last).getFixTime(),
                at,
                now)
            .setTitle("Mortality signal from " + who(collar, at))
            .setEvidence(Alerts.appendCapped(List.of(), evidence))
            .setDetails(Map.of("source", "collar-sensor"))
            .build());
  }

  /**
   * Possible mortality from stillness. Resting animals lie still for hours every day, so stillness
   * of a rest's length raises nothing; only stillness longer than the species rests within the
   * radius ({@code immobility.critical-after}), or shorter stillness with the collar's activity
   * sensor reporting no activity throughout ({@code immobility.inactive-after}), is critical. The
   * incident starts at the first still fix (the death, for a carcass) and stays one incident until
   * the collar clearly moves away: two good fixes in a row beyond {@code
   * immobility.resolve-distance-m}, so GPS scatter around a carcass never flaps it.
   */
  private Optional<Alert> immobility(
      String collar, List<RuleFix> good, AlertParams p, Alert before, Instant now) {
    if (good.isEmpty()) {
      return Optional.empty();
    }
    RuleFix latest = good.get(good.size() - 1);
    if (before != null) {
      boolean away =
          good.size() >= 2
              && good.subList(good.size() - 2, good.size()).stream()
                  .allMatch(
                      f ->
                          Countries.haversineM(
                                  before.getLat(), before.getLon(), f.getLat(), f.getLon())
                              > p.immobilityResolveDistanceM());
      if (away) {
        return Optional.empty();
      }
      if (!latest.getFixTime().isAfter(before.getLastSeen())) {
        return Optional.of(before);
      }
      Duration still = Duration.between(before.getFirstSeen(), latest.getFixTime());
      return Optional.of(
          Alert.newBuilder(before)
              .setLastSeen(latest.getFixTime())
              .setUpdatedAt(now)
              .setTitle(mortalityTitle(collar, latest, p, still))
              .setEvidence(Alerts.appendCapped(before.getEvidence(), List.of(key(latest))))
              .setDetails(withStill(before.getDetails(), still))
              .build());
    }
    Optional<Stillness.Bout> found =
        Stillness.of(
            good,
            p.immobilityRadiusM(),
            p.immobilityShare(),
            p.immobilityMinFixes(),
            stillnessLookBack);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Stillness.Bout bout = found.get();
    List<RuleFix> still = good.subList(bout.fromIndex(), good.size());
    boolean inactive = inactive(still, p);
    boolean critical =
        bout.length().compareTo(p.immobilityCriticalAfter()) >= 0
            || (inactive && bout.length().compareTo(p.immobilityInactiveAfter()) >= 0);
    if (!critical || still.size() < p.immobilityMinFixes()) {
      return Optional.empty();
    }
    Map<String, String> details =
        new TreeMap<>(
            Map.of(
                "radiusM",
                fmt(p.immobilityRadiusM()),
                "share",
                fmt(bout.share()),
                "fixes",
                String.valueOf(still.size()),
                "criticalAfterH",
                fmt(p.immobilityCriticalAfter().toMinutes() / 60.0),
                "reason",
                inactive && bout.length().compareTo(p.immobilityCriticalAfter()) < 0
                    ? "no-activity"
                    : "duration"));
    Alert.Builder b =
        base(
                null,
                collar,
                "immobility",
                AlertType.IMMOBILITY,
                Severity.CRITICAL,
                bout.since(),
                bout.until(),
                latest,
                now)
            .setTitle(mortalityTitle(collar, latest, p, bout.length()))
            .setLat(bout.lat())
            .setLon(bout.lon())
            .setEvidence(
                Alerts.appendCapped(List.of(), still.stream().map(CollarRules::key).toList()))
            .setDetails(withStill(details, bout.length()));
    return Optional.of(b.build());
  }

  /** The activity sensor reported on most still fixes, and never above the threshold. */
  private static boolean inactive(List<RuleFix> still, AlertParams p) {
    long reported = still.stream().filter(RuleFix::hasActivity).count();
    return reported > 0
        && reported >= 0.8 * still.size()
        && still.stream()
            .filter(RuleFix::hasActivity)
            .allMatch(f -> f.getActivity() <= p.immobilityInactiveMaxActivity());
  }

  private static String mortalityTitle(String collar, RuleFix at, AlertParams p, Duration still) {
    return "Possible mortality: "
        + who(collar, at)
        + " still within "
        + Math.round(p.immobilityRadiusM())
        + " m for "
        + still.toHours()
        + " h";
  }

  private static Map<String, String> withStill(Map<String, String> details, Duration still) {
    Map<String, String> d = new TreeMap<>(details);
    d.put("stillH", fmt(still.toMinutes() / 60.0));
    return d;
  }

  /**
   * Faster than the species can run, step after step between good fixes: a carcass in a vehicle. A
   * GPS spike makes at most two fast steps (out and back) and is flagged an outlier once the next
   * fix arrives.
   */
  private Optional<Alert> transport(
      String collar, String species, List<RuleFix> good, AlertParams p, Alert before, Instant now) {
    double limitMps =
        p.transportMinSpeedKmh() > 0 ? p.transportMinSpeedKmh() / 3.6 : track.maxSpeedMps(species);
    int end = good.size() - 1;
    int start = end;
    List<Double> speeds = new ArrayList<>();
    while (start > 0) {
      RuleFix a = good.get(start - 1);
      RuleFix b = good.get(start);
      double m = Countries.haversineM(a.getLat(), a.getLon(), b.getLat(), b.getLon());
      double s = Math.max(1, Duration.between(a.getFixTime(), b.getFixTime()).toMillis()) / 1000.0;
      if (m < p.transportMinStepM() || m / s <= limitMps) {
        break;
      }
      speeds.add(m / s);
      start--;
    }
    if (speeds.size() < p.transportMinSegments()) {
      return Optional.empty();
    }
    RuleFix at = good.get(end);
    double slowestKmh = speeds.stream().mapToDouble(Double::doubleValue).min().orElseThrow() * 3.6;
    double meanKmh = speeds.stream().mapToDouble(Double::doubleValue).average().orElseThrow() * 3.6;
    return Optional.of(
        base(
                before,
                collar,
                "transport",
                AlertType.TRANSPORT,
                Severity.CRITICAL,
                good.get(start).getFixTime(),
                at.getFixTime(),
                at,
                now)
            .setTitle(
                "Possible transport: "
                    + who(collar, at)
                    + " moving at "
                    + Math.round(meanKmh)
                    + " km/h")
            .setEvidence(
                Alerts.appendCapped(
                    List.of(),
                    good.subList(start, end + 1).stream().map(CollarRules::key).toList()))
            .setDetails(
                Map.of(
                    "speedKmh",
                    fmt(meanKmh),
                    "slowestStepKmh",
                    fmt(slowestKmh),
                    "limitKmh",
                    fmt(limitMps * 3.6),
                    "steps",
                    String.valueOf(speeds.size())))
            .build());
  }

  private Optional<Alert> lowBattery(
      String collar, RuleFix latest, RuleFix latestGood, AlertParams p, Alert before, Instant now) {
    if (latest == null) {
      return Optional.ofNullable(before);
    }
    // A little hysteresis: a voltage dithering around the threshold must not open and close alerts.
    double threshold = before == null ? p.lowBatteryV() : p.lowBatteryV() + 0.1;
    if (latest.getBatteryV() >= threshold) {
      return Optional.empty();
    }
    RuleFix at = latestGood != null ? latestGood : latest;
    return Optional.of(
        base(
                before,
                collar,
                "low-battery",
                AlertType.LOW_BATTERY,
                Severity.WARNING,
                latest.getFixTime(),
                latest.getFixTime(),
                at,
                now)
            .setTitle("Low battery: " + who(collar, at) + " at " + fmt(latest.getBatteryV()) + " V")
            .setEvidence(List.of(key(latest)))
            .setDetails(
                Map.of("batteryV", fmt(latest.getBatteryV()), "thresholdV", fmt(p.lowBatteryV())))
            .build());
  }

  /**
   * Inside farmland or a hazard zone for the dwell time and number of fixes; it ends after as long
   * outside. Farmland counts as conflict when the animal came from a protected area within the
   * window.
   */
  private void geofences(
      String collar,
      List<RuleFix> good,
      AlertParams p,
      Map<String, Alert> open,
      Instant now,
      Map<String, Alert> wanted) {
    if (good.isEmpty()) {
      return;
    }
    Set<String> candidates = new LinkedHashSet<>(good.get(good.size() - 1).getZones());
    open.keySet().stream()
        .filter(k -> k.startsWith("geofence:"))
        .map(k -> k.substring("geofence:".length()))
        .forEach(candidates::add);
    for (String zoneId : candidates) {
      GeoFeature zone = geo.zone(zoneId).orElse(null);
      if (zone == null) {
        continue;
      }
      boolean farmland = config.farmlandTypes().contains(zone.type());
      boolean hazard = config.hazardTypes().contains(zone.type());
      if (!farmland && !hazard) {
        continue;
      }
      String key = "geofence:" + zoneId;
      Alert before = open.get(key);
      int last = good.size() - 1;
      boolean inside = good.get(last).getZones().contains(zoneId);
      if (!inside && before == null) {
        continue;
      }
      // Back along the run (inside or outside the zone) only as far as needed: a new incident to
      // where the run began, an open one for its newest evidence, outside until the animal has been
      // out for the dwell.
      int runStart = last;
      while (runStart > 0
          && good.get(runStart - 1).getZones().contains(zoneId) == inside
          && (inside
              ? before == null || last - runStart + 1 < Alerts.MAX_EVIDENCE
              : !dwelt(good, runStart, last, p))) {
        runStart--;
      }
      boolean dwelt = dwelt(good, runStart, last, p);
      if (inside && (dwelt || before != null)) {
        // Where the animal came from is settled when the incident opens: the protected area
        // passing out of the window while it stays in farmland does not make it less of a conflict.
        boolean fromProtected =
            before != null
                ? Boolean.parseBoolean(before.getDetails().get("fromProtectedArea"))
                : good.subList(0, runStart).stream()
                    .anyMatch(
                        f ->
                            f.getZones().stream()
                                .map(geo::zone)
                                .flatMap(Optional::stream)
                                .anyMatch(z -> config.protectedTypes().contains(z.type())));
        Severity severity = hazard || fromProtected ? Severity.HIGH : Severity.WARNING;
        RuleFix at = good.get(last);
        String what =
            hazard
                ? "entered hazard zone "
                : fromProtected ? "left the protected area into farmland " : "in farmland ";
        wanted.put(
            key,
            base(
                    before,
                    collar,
                    "geofence-" + Alerts.clean(zoneId),
                    AlertType.GEOFENCE,
                    severity,
                    good.get(runStart).getFixTime(),
                    at.getFixTime(),
                    at,
                    now)
                .setTitle(
                    who(collar, at).substring(0, 1).toUpperCase(Locale.ROOT)
                        + who(collar, at).substring(1)
                        + " "
                        + what
                        + zone.name())
                .setEvidence(
                    Alerts.appendCapped(
                        before == null ? List.of() : before.getEvidence(),
                        good.subList(runStart, last + 1).stream().map(CollarRules::key).toList()))
                .setDetails(
                    Map.of(
                        "zone",
                        zoneId,
                        "zoneType",
                        zone.type(),
                        "fromProtectedArea",
                        String.valueOf(fromProtected)))
                .build());
      } else if (!inside && before != null && !dwelt) {
        // Out, but not yet for long: one fix outside the edge must not close and reopen the
        // incident.
        wanted.put(key, before);
      }
    }
  }

  /** The run from {@code from} to {@code last} lasts the dwell time and number of fixes. */
  private static boolean dwelt(List<RuleFix> good, int from, int last, AlertParams p) {
    return last - from + 1 >= p.geofenceMinFixes()
        && good.get(last).fixTimeMs() - good.get(from).fixTimeMs() >= p.geofenceDwell().toMillis();
  }

  private static String key(RuleFix f) {
    return Alerts.fixKey(f.getCollarId(), f.getFixTime());
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
