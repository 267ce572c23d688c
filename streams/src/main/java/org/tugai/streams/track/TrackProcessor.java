package org.tugai.streams.track;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Crossing;
import org.tugai.avro.CrossingStatus;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceDeployments;
import org.tugai.avro.Fix;
import org.tugai.avro.TrackState;
import org.tugai.core.geo.GeoFeature;
import org.tugai.streams.deployment.DeploymentStoreUpdater;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.store.FixKeys;

/**
 * Per collar, in event time: enriches each fix (deployment, animal, country, zones, quality flags), keeps the
 * fixes of the revision window, works out outliers and crossings, and emits what changed: revised fixes to the
 * enriched-fixes topic, new, revised and retracted crossings (stable ids) to the crossings topic. Fixes later
 * than the grace are flagged {@code late} and no longer revise anything.
 *
 * <p>The cost of a fix does not grow with the window. The window's fixes live in {@link #FIXES}, one entry per
 * fix; {@link #STORE} holds a small summary per collar. A fix newer than the collar's newest (the common case)
 * can change only the outlier flag of the newest candidate before it, so it is computed against that one fix and
 * the border state before it, and writes two fix entries and the summary. Only a fix that lands inside the
 * window (late, or a replaced duplicate) reads the window and recomputes it, and then writes only the fixes whose
 * flags changed. Both give what recomputing the whole window for every fix gave (TrackProcessorEquivalenceTest).
 */
public final class TrackProcessor implements Processor<String, Fix, String, SpecificRecord> {

  public static final String STORE = "track-state";
  public static final String FIXES = "track-fixes";
  public static final String FIXES_OUT = "fixes-enriched-out";
  public static final String CROSSINGS_OUT = "crossings-out";

  private final TrackParams params;
  private final Geodata geo;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, TrackState> store;
  private KeyValueStore<String, Fix> fixes;
  private KeyValueStore<String, DeviceDeployments> deployments;
  private TrackComputation computation;
  /**
   * Decoded summaries of recently seen collars, written through to the store. The store stays the truth (it is
   * what the changelog restores); this task is the only writer of its keys.
   */
  private final Map<String, TrackState> recent = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TrackState> eldest) {
      return size() > 10_000;
    }
  };

  public TrackProcessor(TrackParams params, Geodata geo) {
    this.params = params;
    this.geo = geo;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    // The task may have run elsewhere since this instance last saw it: only the store is to be trusted now.
    recent.clear();
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.fixes = context.getStateStore(FIXES);
    this.deployments = context.getStateStore(DeploymentStoreUpdater.STORE);
    this.computation = new TrackComputation(params, geo, this::deploymentOf);
  }

  /** The collar's deployments, read once per record: the computation asks for every fix of the window. */
  private String currentCollar;
  private DeviceDeployments currentDeployments;

  private Optional<Deployment> deploymentOf(Fix fix) {
    if (!fix.getCollarId().equals(currentCollar)) {
      currentCollar = fix.getCollarId();
      currentDeployments = deployments.get(currentCollar);
    }
    return DeploymentStoreUpdater.validAt(currentDeployments, fix.getFixTime());
  }

  @Override
  public void process(Record<String, Fix> record) {
    Fix raw = record.value();
    if (raw == null) {
      return;
    }
    String collar = raw.getCollarId();
    currentCollar = null;
    Fix fix = enrich(raw);
    TrackState state = recent.computeIfAbsent(collar, store::get);
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    if (state != null && fix.getFixTime().isBefore(state.getWatermark().minus(params.grace()))) {
      List<String> flags = new ArrayList<>(fix.getQualityFlags());
      flags.add(QualityFlags.LATE);
      emitFix(Fix.newBuilder(fix).setQualityFlags(flags).build());
      return;
    }
    if (state == null) {
      state = TrackState.newBuilder().setCollarId(collar).setWatermark(fix.getFixTime()).build();
    }
    boolean legacy = state.getWindowStart() == null && !state.getFixes().isEmpty();
    TrackState.Builder next = !legacy && (state.getFixCount() == 0 || fix.getFixTime().isAfter(state.getWatermark()))
        ? append(state, fix, now)
        : revise(state, fix, legacy, now);
    TrackState updated = fold(next, now);
    store.put(collar, updated);
    recent.put(collar, updated);
  }

  /** A fix after the collar's newest: computed against the newest candidate and the border state before it. */
  private TrackState.Builder append(TrackState state, Fix fix, Instant now) {
    Fix last = state.getLastCandidate();
    List<Fix> suffix = last == null ? List.of(fix) : List.of(last, fix);
    Fix context = last == null ? state.getFoldedCandidate() : state.getPreviousCandidate();
    TrackComputation.Result result = computation.compute(fix.getCollarId(), before(state), context, suffix, now);
    if (last != null && !result.fixes().get(0).getQualityFlags().equals(last.getQualityFlags())) {
      Fix revised = result.fixes().get(0);
      fixes.put(FixKeys.of(revised), revised);
      emitFix(revised);
    }
    Fix out = result.fixes().get(result.fixes().size() - 1);
    fixes.put(FixKeys.of(out), out);
    emitFix(out);
    // The fixes before the newest candidate are settled: their crossings stand, only new ones can appear.
    Map<String, Crossing> live = new LinkedHashMap<>();
    state.getCrossings().forEach(c -> live.put(c.getCrossingId(), c));
    for (Crossing c : result.crossings()) {
      Crossing old = live.get(c.getCrossingId());
      if (old == null || !sameContent(old, c)) {
        Crossing emitted = old == null ? c : Crossing.newBuilder(c).setRevision(old.getRevision() + 1).build();
        emitCrossing(emitted);
        live.put(c.getCrossingId(), emitted);
      }
    }
    return TrackState.newBuilder(state).setWatermark(fix.getFixTime())
        .setWindowStart(state.getWindowStart() == null ? fix.getFixTime() : state.getWindowStart())
        .setFixCount(state.getFixCount() + 1)
        .setCrossings(new ArrayList<>(live.values()))
        .setLastCandidate(result.lastCandidate()).setPreviousCandidate(result.previousCandidate())
        .setBeforeConfirmed(result.beforeLastCandidate().confirmed())
        .setBeforeDeploymentId(result.beforeLastCandidate().deploymentId())
        .setBeforeLastGood(result.beforeLastCandidate().lastGood())
        .setBeforeCandidate(result.beforeLastCandidate().candidate())
        .setBeforeCandidateFirst(result.beforeLastCandidate().candidateFirst())
        .setBeforeCandidateCount(result.beforeLastCandidate().candidateCount());
  }

  /** A fix inside the window (late within the grace, or a repeat): the window is read and recomputed. */
  private TrackState.Builder revise(TrackState state, Fix fix, boolean legacy, Instant now) {
    String collar = fix.getCollarId();
    List<Fix> window = legacy ? new ArrayList<>(state.getFixes()) : window(collar);
    Map<Long, Fix> previous = new HashMap<>();
    window.forEach(f -> previous.put(f.getFixTime().toEpochMilli(), f));
    window.removeIf(f -> f.getFixTime().equals(fix.getFixTime()));
    int at = 0;
    while (at < window.size() && window.get(at).getFixTime().isBefore(fix.getFixTime())) {
      at++;
    }
    window.add(at, fix);
    Instant watermark = fix.getFixTime().isAfter(state.getWatermark()) ? fix.getFixTime() : state.getWatermark();
    TrackComputation.Result result = computation.compute(collar, baseline(state), state.getFoldedCandidate(), window, now);
    for (Fix out : result.fixes()) {
      Fix before = previous.get(out.getFixTime().toEpochMilli());
      boolean changed = before == null || !before.getQualityFlags().equals(out.getQualityFlags());
      if (changed || legacy || out.getFixTime().equals(fix.getFixTime())) {
        fixes.put(FixKeys.of(out), out);
      }
      if (changed || out.getFixTime().equals(fix.getFixTime())) {
        emitFix(out);
      }
    }
    List<Crossing> live = reviseCrossings(state.getCrossings(), result.crossings(), now);
    return TrackState.newBuilder(state).setWatermark(watermark).setFixes(List.of())
        .setWindowStart(window.get(0).getFixTime()).setFixCount(window.size())
        .setCrossings(live)
        .setLastCandidate(result.lastCandidate()).setPreviousCandidate(result.previousCandidate())
        .setBeforeConfirmed(result.beforeLastCandidate().confirmed())
        .setBeforeDeploymentId(result.beforeLastCandidate().deploymentId())
        .setBeforeLastGood(result.beforeLastCandidate().lastGood())
        .setBeforeCandidate(result.beforeLastCandidate().candidate())
        .setBeforeCandidateFirst(result.beforeLastCandidate().candidateFirst())
        .setBeforeCandidateCount(result.beforeLastCandidate().candidateCount());
  }

  /**
   * Fixes older than the grace (and a margin) can no longer be revised: they leave the window and are folded
   * into the baseline, oldest first, so each fix is folded once. The window keeps at least two fixes.
   */
  private TrackState fold(TrackState.Builder s, Instant now) {
    String collar = s.getCollarId();
    Instant horizon = s.getWatermark().minus(params.grace()).minus(params.grace().dividedBy(4));
    BorderState baseline = baseline(s);
    Fix last = s.getLastCandidate();
    Fix previous = s.getPreviousCandidate();
    Fix folded = s.getFoldedCandidate();
    BorderState before = null;
    while (s.getFixCount() > 2 && s.getWindowStart().isBefore(horizon)) {
      Fix oldest = fixes.delete(FixKeys.of(collar, s.getWindowStart()));
      if (oldest != null) {
        baseline = computation.advance(collar, baseline, oldest, now);
        if (TrackComputation.isCandidate(oldest)) {
          folded = oldest; // the next candidate's speed is still judged against it
        }
        if (last != null && last.getFixTime().equals(oldest.getFixTime())) {
          // The newest candidate left the window (two or more flagged fixes after it): the window has none now.
          last = null;
          previous = null;
          before = baseline;
        }
      }
      s.setFixCount(s.getFixCount() - 1).setWindowStart(nextFixTime(collar, s.getWindowStart()));
    }
    s.setLastCandidate(last).setPreviousCandidate(previous).setFoldedCandidate(folded)
        .setBaseConfirmed(baseline.confirmed()).setBaseDeploymentId(baseline.deploymentId()).setBaseLastGood(baseline.lastGood())
        .setBaseCandidate(baseline.candidate()).setBaseCandidateFirst(baseline.candidateFirst())
        .setBaseCandidateCount(baseline.candidateCount());
    if (before != null) {
      s.setBeforeConfirmed(before.confirmed()).setBeforeDeploymentId(before.deploymentId()).setBeforeLastGood(before.lastGood())
          .setBeforeCandidate(before.candidate()).setBeforeCandidateFirst(before.candidateFirst())
          .setBeforeCandidateCount(before.candidateCount());
    }
    Instant windowStart = s.getWindowStart();
    Fix candidateFirst = baseline.candidateFirst();
    List<Crossing> live = new ArrayList<>(s.getCrossings());
    live.removeIf(c -> c.getAfterFixTime().isBefore(windowStart)
        && (candidateFirst == null || !candidateFirst.getFixTime().equals(c.getAfterFixTime())));
    return s.setCrossings(live).build();
  }

  private static BorderState baseline(TrackState s) {
    return new BorderState(s.getBaseConfirmed(), s.getBaseDeploymentId(), s.getBaseLastGood(), s.getBaseCandidate(),
        s.getBaseCandidateFirst(), s.getBaseCandidateCount());
  }

  private static BorderState baseline(TrackState.Builder s) {
    return new BorderState(s.getBaseConfirmed(), s.getBaseDeploymentId(), s.getBaseLastGood(), s.getBaseCandidate(),
        s.getBaseCandidateFirst(), s.getBaseCandidateCount());
  }

  /** The border state before the newest candidate; the baseline while the window has none. */
  private static BorderState before(TrackState s) {
    if (s.getFixCount() == 0) {
      return baseline(s);
    }
    return new BorderState(s.getBeforeConfirmed(), s.getBeforeDeploymentId(), s.getBeforeLastGood(), s.getBeforeCandidate(),
        s.getBeforeCandidateFirst(), s.getBeforeCandidateCount());
  }

  /** The window's fixes in fix-time order. */
  private List<Fix> window(String collar) {
    List<Fix> window = new ArrayList<>();
    try (KeyValueIterator<String, Fix> it = fixes.range(FixKeys.first(collar), FixKeys.last(collar))) {
      it.forEachRemaining(kv -> window.add(kv.value));
    }
    return window;
  }

  private Instant nextFixTime(String collar, Instant after) {
    try (KeyValueIterator<String, Fix> it = fixes.range(FixKeys.of(collar, after.toEpochMilli() + 1), FixKeys.last(collar))) {
      return it.hasNext() ? it.next().value.getFixTime() : after;
    }
  }

  /** Emits new crossings, revisions of changed ones and retractions of vanished ones; returns the live set. */
  private List<Crossing> reviseCrossings(List<Crossing> before, List<Crossing> now, Instant detectedAt) {
    Map<String, Crossing> previous = new LinkedHashMap<>();
    before.forEach(c -> previous.put(c.getCrossingId(), c));
    List<Crossing> live = new ArrayList<>();
    for (Crossing c : now) {
      Crossing old = previous.remove(c.getCrossingId());
      if (old == null) {
        emitCrossing(c);
        live.add(c);
      } else if (!sameContent(old, c)) {
        Crossing revised = Crossing.newBuilder(c).setRevision(old.getRevision() + 1).build();
        emitCrossing(revised);
        live.add(revised);
      } else {
        live.add(old);
      }
    }
    for (Crossing gone : previous.values()) {
      emitCrossing(Crossing.newBuilder(gone).setStatus(CrossingStatus.RETRACTED).setRevision(gone.getRevision() + 1)
          .setDetectedAt(detectedAt).build());
    }
    return live;
  }

  private static boolean sameContent(Crossing a, Crossing b) {
    Crossing x = Crossing.newBuilder(a).setRevision(0).setDetectedAt(Instant.EPOCH).build();
    Crossing y = Crossing.newBuilder(b).setRevision(0).setDetectedAt(Instant.EPOCH).build();
    return x.equals(y);
  }

  private Fix enrich(Fix raw) {
    Optional<Deployment> deployment = deploymentOf(raw);
    Fix.Builder b = Fix.newBuilder(raw)
        .setDeploymentId(deployment.map(Deployment::getDeploymentId).orElse(null))
        .setAnimalId(deployment.map(Deployment::getAnimalId).orElse(null));
    if (raw.getLat() != null && raw.getLon() != null) {
      b.setCountry(geo.countryAt(raw.getLat(), raw.getLon()).orElse(null));
      b.setZones(geo.zonesAt(raw.getLat(), raw.getLon()).stream().map(GeoFeature::id).distinct().toList());
    }
    Set<String> flags = computation.staticFlags(raw, deployment.isPresent());
    return b.setQualityFlags(new ArrayList<>(flags)).build();
  }

  @Override
  public void close() {
    recent.clear();
  }

  private void emitFix(Fix fix) {
    context.forward(new Record<>(fix.getCollarId(), fix, fix.getFixTime().toEpochMilli()), FIXES_OUT);
  }

  private void emitCrossing(Crossing c) {
    context.forward(new Record<>(c.getCrossingId(), c, c.getAfterFixTime().toEpochMilli()), CROSSINGS_OUT);
  }
}
