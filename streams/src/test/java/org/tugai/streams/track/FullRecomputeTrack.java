package org.tugai.streams.track;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.tugai.avro.Crossing;
import org.tugai.avro.CrossingStatus;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;
import org.tugai.avro.TrackState;
import org.tugai.core.geo.GeoFeature;
import org.tugai.schemas.FixFlags;
import org.tugai.streams.geo.Geodata;

/**
 * The reference the incremental {@link TrackProcessor} is held to: the track processor as it was
 * before it became incremental, recomputing a collar's whole revision window for every fix, kept
 * here in memory with no Kafka around it. Slow (each fix costs the window) and simple, so it is the
 * oracle. One correction to the old logic, made in both: the window's first fix is judged against
 * the last candidate that left the window, not against nothing (the old window un-flagged an
 * outlier as it reached the window's start, re-emitted it as good and folded it into the border
 * state as good).
 */
final class FullRecomputeTrack {

  private record Collar(
      Instant watermark,
      List<Fix> window,
      BorderState baseline,
      Fix folded,
      List<Crossing> crossings) {}

  private final TrackParams params;
  private final Geodata geo;
  private final Function<Fix, Optional<Deployment>> deploymentOf;
  private final TrackComputation computation;
  private final Map<String, Collar> collars = new HashMap<>();
  final List<Fix> fixesOut = new ArrayList<>();
  final List<Crossing> crossingsOut = new ArrayList<>();

  FullRecomputeTrack(
      TrackParams params, Geodata geo, Function<Fix, Optional<Deployment>> deploymentOf) {
    this.params = params;
    this.geo = geo;
    this.deploymentOf = deploymentOf;
    this.computation = new TrackComputation(params, geo, deploymentOf);
  }

  void process(Fix raw, Instant now) {
    Fix fix = enrich(raw);
    String collar = fix.getCollarId();
    Collar state = collars.get(collar);
    if (state != null && fix.getFixTime().isBefore(state.watermark().minus(params.grace()))) {
      List<String> flags = new ArrayList<>(fix.getQualityFlags());
      flags.add(FixFlags.LATE);
      fixesOut.add(Fix.newBuilder(fix).setQualityFlags(flags).build());
      return;
    }
    if (state == null) {
      state = new Collar(fix.getFixTime(), List.of(), BorderState.START, null, List.of());
    }
    List<Fix> window = new ArrayList<>(state.window());
    Map<Long, Fix> previous = new HashMap<>();
    window.forEach(f -> previous.put(f.getFixTime().toEpochMilli(), f));
    window.removeIf(f -> f.getFixTime().equals(fix.getFixTime()));
    int at = 0;
    while (at < window.size() && window.get(at).getFixTime().isBefore(fix.getFixTime())) {
      at++;
    }
    window.add(at, fix);
    Instant watermark =
        fix.getFixTime().isAfter(state.watermark()) ? fix.getFixTime() : state.watermark();
    BorderState baseline = state.baseline();
    TrackComputation.Result result =
        computation.compute(collar, baseline, state.folded(), window, now);
    for (Fix out : result.fixes()) {
      Fix before = previous.get(out.getFixTime().toEpochMilli());
      if (out.getFixTime().equals(fix.getFixTime())
          || before == null
          || !before.getQualityFlags().equals(out.getQualityFlags())) {
        fixesOut.add(out);
      }
    }
    List<Crossing> live = revise(state.crossings(), result.crossings(), now);
    List<Fix> kept = new ArrayList<>(result.fixes());
    Instant horizon = watermark.minus(params.grace()).minus(params.grace().dividedBy(4));
    Fix folded = state.folded();
    while (kept.size() > 2 && kept.get(0).getFixTime().isBefore(horizon)) {
      Fix leaving = kept.remove(0);
      folded = TrackComputation.isCandidate(leaving) ? leaving : folded;
      baseline = computation.advance(collar, baseline, leaving, now);
    }
    Instant windowStart = kept.get(0).getFixTime();
    Fix candidateFirst = baseline.candidateFirst();
    live.removeIf(
        c ->
            c.getAfterFixTime().isBefore(windowStart)
                && (candidateFirst == null
                    || !candidateFirst.getFixTime().equals(c.getAfterFixTime())));
    collars.put(collar, new Collar(watermark, kept, baseline, folded, live));
  }

  private List<Crossing> revise(List<Crossing> before, List<Crossing> now, Instant detectedAt) {
    Map<String, Crossing> previous = new LinkedHashMap<>();
    before.forEach(c -> previous.put(c.getCrossingId(), c));
    List<Crossing> live = new ArrayList<>();
    for (Crossing c : now) {
      Crossing old = previous.remove(c.getCrossingId());
      if (old == null) {
        crossingsOut.add(c);
        live.add(c);
      } else if (!withoutRevision(old).equals(withoutRevision(c))) {
        Crossing revised = Crossing.newBuilder(c).setRevision(old.getRevision() + 1).build();
        crossingsOut.add(revised);
        live.add(revised);
      } else {
        live.add(old);
      }
    }
    for (Crossing gone : previous.values()) {
      crossingsOut.add(
          Crossing.newBuilder(gone)
              .setStatus(CrossingStatus.RETRACTED)
              .setRevision(gone.getRevision() + 1)
              .setDetectedAt(detectedAt)
              .build());
    }
    return live;
  }

  /**
   * Forgets the candidates that left the windows, as version 0.3 never kept them: after taking over
   * a 0.3 state the window's first fix is judged against nothing once more, until its successor
   * leaves too.
   */
  void forgetFolded() {
    collars.replaceAll(
        (k, c) -> new Collar(c.watermark(), c.window(), c.baseline(), null, c.crossings()));
  }

  /**
   * The collar's state as version 0.3 of the track processor stored it: the whole window in one
   * value.
   */
  TrackState version3State(String collar) {
    Collar c = collars.get(collar);
    BorderState b = c.baseline();
    return TrackState.newBuilder()
        .setCollarId(collar)
        .setWatermark(c.watermark())
        .setFixes(c.window())
        .setBaseConfirmed(b.confirmed())
        .setBaseDeploymentId(b.deploymentId())
        .setBaseLastGood(b.lastGood())
        .setBaseCandidate(b.candidate())
        .setBaseCandidateFirst(b.candidateFirst())
        .setBaseCandidateCount(b.candidateCount())
        .setCrossings(c.crossings())
        .build();
  }

  static Crossing withoutRevision(Crossing c) {
    return Crossing.newBuilder(c).setRevision(0).setDetectedAt(Instant.EPOCH).build();
  }

  private Fix enrich(Fix raw) {
    Optional<Deployment> deployment = deploymentOf.apply(raw);
    Fix.Builder b =
        Fix.newBuilder(raw)
            .setDeploymentId(deployment.map(Deployment::getDeploymentId).orElse(null))
            .setAnimalId(deployment.map(Deployment::getAnimalId).orElse(null));
    if (raw.getLat() != null && raw.getLon() != null) {
      b.setCountry(geo.countryAt(raw.getLat(), raw.getLon()).orElse(null));
      b.setZones(
          geo.zonesAt(raw.getLat(), raw.getLon()).stream().map(GeoFeature::id).distinct().toList());
    }
    return b.setQualityFlags(new ArrayList<>(computation.staticFlags(raw, deployment.isPresent())))
        .build();
  }
}
