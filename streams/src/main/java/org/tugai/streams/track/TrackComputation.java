package org.tugai.streams.track;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.locationtech.jts.geom.Coordinate;
import org.tugai.avro.Crossing;
import org.tugai.avro.CrossingStatus;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.GeoFeature;
import org.tugai.schemas.FixFlags;
import org.tugai.streams.geo.Geodata;

/**
 * The pure heart of the track processor: given the border state before a window of one collar's
 * fixes (in event time), recompute the fixes' outlier flags and the crossings they show.
 * Deterministic, so recomputing after a late or repeated fix converges to the same answer as
 * in-order data would have given.
 */
public final class TrackComputation {

  /**
   * The fixes with their flags recomputed, the crossings (status confirmed, revision 0) in the
   * window, the border state after it, and where its newest fixes stand: the newest candidate (a
   * fix with no flag but outlier), the candidate before it, and the border state before the newest
   * candidate. Only the newest candidate's outlier flag can change when a newer fix arrives, so
   * these are all an in-order fix needs. {@code statesBefore} holds the border state before each
   * fix, for the checkpoints a late fix starts from.
   */
  public record Result(
      List<Fix> fixes,
      List<Crossing> crossings,
      BorderState end,
      Fix lastCandidate,
      Fix previousCandidate,
      BorderState beforeLastCandidate,
      List<BorderState> statesBefore) {}

  private final TrackParams params;
  private final Geodata geo;
  private final Function<Fix, Optional<Deployment>> deploymentOf;

  /**
   * Whether a position lies beyond the confirmation distance inside its country. A fix's answer
   * never changes, and the window is recomputed for every new fix, so the border query is made once
   * per fix.
   */
  private final Map<String, Boolean> deepInside =
      new LinkedHashMap<>(1 << 14, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 200_000;
        }
      };

  public TrackComputation(
      TrackParams params, Geodata geo, Function<Fix, Optional<Deployment>> deploymentOf) {
    this.params = params;
    this.geo = geo;
    this.deploymentOf = deploymentOf;
  }

  /** Flags that depend on the fix alone (and on whether a deployment covers it). */
  public Set<String> staticFlags(Fix fix, boolean deployed) {
    Set<String> flags = new LinkedHashSet<>();
    for (String f : fix.getQualityFlags()) {
      if (!FixFlags.COMPUTED.contains(f)) {
        flags.add(f);
      }
    }
    if (fix.getLat() == null || fix.getLon() == null) {
      flags.add(FixFlags.FAILED_FIX);
    } else if (fix.getLat() == 0.0 && fix.getLon() == 0.0) {
      flags.add(FixFlags.NULL_ISLAND);
    } else if ((fix.getHdop() != null && fix.getHdop() > params.maxHdop())
        || (fix.getSatellites() != null && fix.getSatellites() < params.minSatellites())
        || (params.flagTwoD() && fix.getFixType() == FixType.TWO_D)
        || !params.acceptsLocationClass(fix.getLocationClass())
        || (fix.getErrorRadiusM() != null && fix.getErrorRadiusM() > params.maxErrorRadiusM())) {
      flags.add(FixFlags.POOR_QUALITY);
    }
    if (!deployed) {
      flags.add(FixFlags.NO_DEPLOYMENT);
    }
    return flags;
  }

  public Result compute(String collarId, BorderState baseline, List<Fix> window, Instant now) {
    return compute(collarId, baseline, null, window, now);
  }

  /**
   * @param context the candidate just before {@code window}, or null: the first candidate's speed
   *     is judged against it. The full window is computed with none, as the first fix of a window
   *     has no predecessor left.
   */
  public Result compute(
      String collarId, BorderState baseline, Fix context, List<Fix> window, Instant now) {
    int n = window.size();
    boolean[] candidate = new boolean[n];
    int last = -1;
    for (int i = 0; i < n; i++) {
      candidate[i] = isCandidate(window.get(i));
      last = candidate[i] ? i : last;
    }
    boolean[] outlier = new boolean[n];
    boolean[] pending = new boolean[n];
    Fix previousOfLast = null;
    for (int i = 0; i < n; i++) {
      if (!candidate[i]) {
        continue;
      }
      int prev = i - 1;
      while (prev >= 0 && !candidate[prev]) {
        prev--;
      }
      int next = i + 1;
      while (next < n && !candidate[next]) {
        next++;
      }
      Fix f = window.get(i);
      Fix before = prev >= 0 ? window.get(prev) : context;
      previousOfLast = i == last ? before : previousOfLast;
      double vmax = params.maxSpeedMps(species(f));
      boolean fastIn = before != null && tooFast(before, f, vmax);
      if (next < n) {
        outlier[i] =
            fastIn
                && tooFast(f, window.get(next), vmax)
                && !tooFast(before, window.get(next), vmax);
      } else {
        // The newest fix jumped: until the next one says whether it came back, it confirms nothing.
        pending[i] = fastIn;
      }
    }
    List<Fix> fixes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Fix f = window.get(i);
      List<String> flags = new ArrayList<>(f.getQualityFlags());
      flags.remove(FixFlags.OUTLIER);
      if (outlier[i]) {
        flags.add(FixFlags.OUTLIER);
      }
      fixes.add(
          flags.equals(f.getQualityFlags()) ? f : Fix.newBuilder(f).setQualityFlags(flags).build());
    }
    List<Crossing> crossings = new ArrayList<>();
    List<BorderState> statesBefore = new ArrayList<>(n);
    BorderState state = baseline;
    BorderState beforeLast = null;
    for (int i = 0; i < n; i++) {
      statesBefore.add(state);
      if (i == last) {
        beforeLast = state;
      }
      if (candidate[i] && !outlier[i] && !pending[i]) {
        state = step(collarId, state, fixes.get(i), crossings, now);
      }
    }
    return new Result(
        fixes,
        crossings,
        state,
        last < 0 ? null : fixes.get(last),
        last < 0 ? null : previousOfLast,
        beforeLast == null ? state : beforeLast,
        statesBefore);
  }

  /**
   * A fix the outlier check and the border state consider: no quality flag but (a previous verdict
   * of) outlier.
   */
  public static boolean isCandidate(Fix f) {
    for (String flag : f.getQualityFlags()) {
      if (!flag.equals(FixFlags.OUTLIER)) {
        return false;
      }
    }
    return true;
  }

  /** Advances the state machine over good fixes only (used when fixes leave the window). */
  public BorderState advance(String collarId, BorderState state, Fix fix, Instant now) {
    if (!fix.getQualityFlags().isEmpty() || fix.getCountry() == null) {
      return state;
    }
    return step(collarId, state, fix, new ArrayList<>(), now);
  }

  private BorderState step(
      String collarId, BorderState s, Fix g, List<Crossing> crossings, Instant now) {
    String country = g.getCountry();
    if (country == null) {
      return s; // outside every country polygon (a gap, the sea): says nothing about the border
    }
    if (!Objects.equals(g.getDeploymentId(), s.deploymentId()) || s.confirmed() == null) {
      // A new deployment (another animal) starts its own history.
      return new BorderState(country, g.getDeploymentId(), g, null, null, 0);
    }
    if (country.equals(s.confirmed())) {
      return new BorderState(country, s.deploymentId(), g, null, null, 0);
    }
    Fix first = country.equals(s.candidate()) ? s.candidateFirst() : g;
    int count = country.equals(s.candidate()) ? s.candidateCount() + 1 : 1;
    boolean deepInside =
        this.deepInside.computeIfAbsent(
            g.getLat() + "," + g.getLon() + "," + country,
            k ->
                geo.countries().distanceToBorderM(g.getLat(), g.getLon(), country)
                    >= params.confirmDistanceM());
    boolean longEnough = count >= params.confirmFixes();
    boolean dwelt =
        count >= 2
            && Duration.between(first.getFixTime(), g.getFixTime()).compareTo(params.confirmDwell())
                >= 0;
    if (deepInside || longEnough || dwelt) {
      crossings.add(crossing(collarId, s.confirmed(), country, s.lastGood(), first, now));
      return new BorderState(country, s.deploymentId(), g, null, null, 0);
    }
    return new BorderState(s.confirmed(), s.deploymentId(), s.lastGood(), country, first, count);
  }

  private Crossing crossing(
      String collarId, String from, String to, Fix before, Fix after, Instant now) {
    Countries countries = geo.countries();
    Optional<Coordinate> point =
        countries.crossingPoint(
            before.getLat(), before.getLon(), after.getLat(), after.getLon(), from);
    double lat = point.map(c -> c.y).orElse((before.getLat() + after.getLat()) / 2);
    double lon = point.map(c -> c.x).orElse((before.getLon() + after.getLon()) / 2);
    double whole =
        Countries.haversineM(before.getLat(), before.getLon(), after.getLat(), after.getLon());
    double part = Countries.haversineM(before.getLat(), before.getLon(), lat, lon);
    double fraction = whole == 0 ? 0.5 : Math.min(1, part / whole);
    long t0 = before.getFixTime().toEpochMilli();
    long t1 = after.getFixTime().toEpochMilli();
    Instant crossedAt = Instant.ofEpochMilli(t0 + Math.round((t1 - t0) * fraction));
    String hotspot =
        geo.zoneAt(lat, lon, "hotspot")
            .or(() -> geo.zoneAt(before.getLat(), before.getLon(), "hotspot"))
            .or(() -> geo.zoneAt(after.getLat(), after.getLon(), "hotspot"))
            .map(GeoFeature::id)
            .orElse(null);
    String population =
        deploymentOf
            .apply(after)
            .map(Deployment::getPopulation)
            .or(
                () ->
                    geo.zoneAt(before.getLat(), before.getLon(), "population-unit")
                        .map(GeoFeature::id))
            .orElse(null);
    return Crossing.newBuilder()
        .setCrossingId(collarId + "|" + from + ">" + to + "|" + after.getFixTime().toEpochMilli())
        .setAnimalId(after.getAnimalId() == null ? collarId : after.getAnimalId())
        .setCollarId(collarId)
        .setDeploymentId(after.getDeploymentId())
        .setFromCountry(from)
        .setToCountry(to)
        .setCrossedAt(crossedAt)
        .setBeforeFixTime(before.getFixTime())
        .setBeforeLat(before.getLat())
        .setBeforeLon(before.getLon())
        .setAfterFixTime(after.getFixTime())
        .setAfterLat(after.getLat())
        .setAfterLon(after.getLon())
        .setCrossingLat(lat)
        .setCrossingLon(lon)
        .setHotspot(hotspot)
        .setPopulation(population)
        .setStatus(CrossingStatus.CONFIRMED)
        .setRevision(0)
        .setDetectedAt(now)
        .build();
  }

  private String species(Fix f) {
    return deploymentOf.apply(f).map(Deployment::getSpecies).orElse(null);
  }

  private boolean tooFast(Fix a, Fix b, double vmaxMps) {
    // What the positions' own error can explain is no movement: only the rest counts (Argos errors
    // are kilometres).
    double d =
        Countries.haversineM(a.getLat(), a.getLon(), b.getLat(), b.getLon())
            - errorM(a)
            - errorM(b);
    if (d < params.minOutlierDisplacementM()) {
      return false;
    }
    double seconds = Math.abs(Duration.between(a.getFixTime(), b.getFixTime()).toMillis()) / 1000.0;
    return seconds == 0 || d / seconds > vmaxMps;
  }

  private static double errorM(Fix f) {
    return f.getErrorRadiusM() == null ? 0 : f.getErrorRadiusM();
  }
}
