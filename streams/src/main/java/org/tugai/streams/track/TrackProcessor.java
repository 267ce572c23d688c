package org.tugai.streams.track;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
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
import org.tugai.avro.TrackCheckpoint;
import org.tugai.avro.TrackState;
import org.tugai.core.geo.GeoFeature;
import org.tugai.schemas.AvroSerde;
import org.tugai.schemas.FixFlags;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.streams.deployment.DeploymentStoreUpdater;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.store.CollarStore;
import org.tugai.streams.store.FixKeys;

/**
 * Per collar, in event time: enriches each fix (deployment, animal, country, zones, quality flags),
 * keeps the fixes of the revision window, works out outliers and crossings, and emits what changed:
 * revised fixes to the enriched-fixes topic, new, revised and retracted crossings (stable ids) to
 * the crossings topic. Fixes later than the grace are flagged {@code late} and no longer revise
 * anything.
 *
 * <p>The cost of a fix does not grow with the window. {@link #STORE} holds per collar a small
 * summary and the window's fixes, one entry per fix ({@link CollarStore}). A fix newer than the
 * collar's newest (the common case) can change only the outlier flag of the newest candidate before
 * it, so it is computed against that one fix and the border state before it, and writes two fix
 * entries and the summary. A fix that lands inside the window (late, or a replaced duplicate) is
 * recomputed from the newest checkpoint before it ({@link TrackCheckpoints}): it reads the fixes
 * from there on, writes only those whose flags changed and revises only the crossings that start
 * there. Both give what recomputing the whole window for every fix gave
 * (TrackProcessorEquivalenceTest).
 */
public final class TrackProcessor implements Processor<String, Fix, String, SpecificRecord> {

  public static final String STORE = "track-state";
  public static final String FIXES_OUT = "fixes-enriched-out";
  public static final String CROSSINGS_OUT = "crossings-out";

  private final TrackParams params;
  private final Geodata geo;
  private ProcessorContext<String, SpecificRecord> context;
  private CollarStore<TrackState> store;
  private TrackCheckpoints checkpoints;

  /** Fixes read back to recompute late ones, since this processor started: what they cost. */
  private long fixesReread;

  /**
   * Entries of fixes that left the window, deleted once the summary that no longer counts them is
   * written.
   */
  private final List<String> leaving = new ArrayList<>();

  private KeyValueStore<String, DeviceDeployments> deployments;
  private TrackComputation computation;

  /**
   * Decoded summaries of recently seen collars, written through to the store. The store stays the
   * truth (it is what the changelog restores); this task is the only writer of its keys.
   */
  private final Map<String, TrackSummary> recent =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TrackSummary> eldest) {
          return size() > cachedCollars;
        }
      };

  private final int cachedCollars;

  private final SchemaCatalog catalog;

  public TrackProcessor(TrackParams params, Geodata geo, SchemaCatalog catalog) {
    this(params, geo, catalog, 10_000);
  }

  /**
   * @param cachedCollars summaries held decoded; 0 reads every collar's summary back from the store
   *     (tests)
   */
  public TrackProcessor(TrackParams params, Geodata geo, SchemaCatalog catalog, int cachedCollars) {
    this.params = params;
    this.geo = geo;
    this.catalog = catalog;
    this.cachedCollars = cachedCollars;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    // The task may have run elsewhere since this instance last saw it: only the store is to be
    // trusted now.
    recent.clear();
    this.context = context;
    KeyValueStore<String, byte[]> bytes = context.getStateStore(STORE);
    this.store =
        new CollarStore<>(
            bytes, new AvroSerde<>(TrackState.class, catalog), new AvroSerde<>(Fix.class, catalog));
    this.checkpoints = new TrackCheckpoints(bytes, new AvroSerde<>(TrackCheckpoint.class, catalog));
    this.deployments = context.getStateStore(DeploymentStoreUpdater.STORE);
    this.computation = new TrackComputation(params, geo, this::deploymentOf);
  }

  /**
   * The collar's deployments, read once per record: the computation asks for every fix of the
   * window.
   */
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
    try {
      process(collar, raw);
    } catch (RuntimeException e) {
      recent.remove(
          collar); // its summary may be half updated: the store, not yet written, is the truth
      throw e;
    }
  }

  private void process(String collar, Fix raw) {
    currentCollar = null;
    Fix fix = enrich(raw);
    TrackSummary state =
        recent.computeIfAbsent(
            collar,
            c -> {
              TrackState stored = store.summary(c);
              return stored == null ? null : TrackSummary.of(stored);
            });
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    if (state != null && fix.getFixTime().isBefore(state.watermark.minus(params.grace(fix)))) {
      List<String> flags = new ArrayList<>(fix.getQualityFlags());
      flags.add(FixFlags.LATE);
      emitFix(Fix.newBuilder(fix).setQualityFlags(flags).build());
      return;
    }
    if (state == null) {
      state = new TrackSummary(collar, fix.getFixTime());
    }
    boolean legacy = state.legacy();
    leaving.clear();
    if (!legacy && (state.fixCount == 0 || fix.getFixTime().isAfter(state.watermark))) {
      append(state, fix, now);
    } else if (legacy || !reviseFromCheckpoint(state, fix, now)) {
      revise(state, fix, legacy, now);
    }
    fold(state, now);
    // Fix entries were written first, the summary now, the deletes last (CollarStore says why).
    store.putSummary(collar, state.toRecord());
    leaving.forEach(store::delete);
    recent.put(collar, state);
  }

  /**
   * A fix after the collar's newest: computed against the newest candidate and the border state
   * before it.
   */
  private void append(TrackSummary state, Fix fix, Instant now) {
    Fix last = state.lastCandidate;
    List<Fix> suffix = last == null ? List.of(fix) : List.of(last, fix);
    Fix context = last == null ? state.foldedCandidate : state.previousCandidate;
    TrackComputation.Result result =
        computation.compute(fix.getCollarId(), state.before(), context, suffix, now);
    if (last != null && !result.fixes().get(0).getQualityFlags().equals(last.getQualityFlags())) {
      // Its verdict changed (an outlier after all): the whole fix, from the store, with the new
      // flags.
      Fix stored = store.fix(FixKeys.of(last));
      Fix revised =
          stored == null
              ? result.fixes().get(0)
              : Fix.newBuilder(stored)
                  .setQualityFlags(result.fixes().get(0).getQualityFlags())
                  .build();
      store.putFix(revised);
      emitFix(revised);
    }
    Fix out = result.fixes().get(result.fixes().size() - 1);
    store.putFix(out);
    emitFix(out);
    if (TrackComputation.isCandidate(out)
        && TrackCheckpoints.holds(out, result.previousCandidate())) {
      checkpoints.put(
          out.getCollarId(), out, result.beforeLastCandidate(), result.previousCandidate());
    }
    // The fixes before the newest candidate are settled: their crossings stand, only new ones can
    // appear.
    Map<String, Crossing> live = new LinkedHashMap<>();
    state.crossings.forEach(c -> live.put(c.getCrossingId(), c));
    for (Crossing c : result.crossings()) {
      Crossing old = live.get(c.getCrossingId());
      if (old == null || !sameContent(old, c)) {
        Crossing emitted =
            old == null ? c : Crossing.newBuilder(c).setRevision(old.getRevision() + 1).build();
        emitCrossing(emitted);
        live.put(c.getCrossingId(), emitted);
      }
    }
    state.watermark = fix.getFixTime();
    state.windowStart = state.windowStart == null ? fix.getFixTime() : state.windowStart;
    state.fixCount++;
    state.crossings = new ArrayList<>(live.values());
    state.newest(result);
  }

  /**
   * A fix inside the window (late within the grace, or a repeat): the window is read and
   * recomputed.
   */
  private void revise(TrackSummary state, Fix fix, boolean legacy, Instant now) {
    String collar = fix.getCollarId();
    // From the window's start: an entry before it is one whose delete was lost in a crash
    // (CollarStore).
    List<Fix> window =
        legacy
            ? new ArrayList<>(state.legacyFixes)
            : store.window(
                collar,
                state.windowStart == null
                    ? FixKeys.first(collar)
                    : FixKeys.of(collar, state.windowStart));
    Map<Long, Fix> previous = new HashMap<>();
    window.forEach(f -> previous.put(f.getFixTime().toEpochMilli(), f));
    window.removeIf(f -> f.getFixTime().equals(fix.getFixTime()));
    int at = 0;
    while (at < window.size() && window.get(at).getFixTime().isBefore(fix.getFixTime())) {
      at++;
    }
    window.add(at, fix);
    Instant watermark =
        fix.getFixTime().isAfter(state.watermark) ? fix.getFixTime() : state.watermark;
    fixesReread += window.size();
    TrackComputation.Result result =
        computation.compute(collar, state.baseline, state.foldedCandidate, window, now);
    writeChanged(result, previous, fix, legacy);
    rewriteCheckpoints(collar, result, state.foldedCandidate, window.get(0).getFixTime(), null);
    state.crossings = reviseCrossings(state.crossings, result.crossings(), now);
    state.watermark = watermark;
    state.legacyFixes = List.of();
    state.windowStart = window.get(0).getFixTime();
    state.fixCount = window.size();
    state.newest(result);
  }

  /**
   * A fix inside the window recomputed from the newest checkpoint before it: the fixes from there
   * on are read and recomputed, the crossings confirmed there (the ones whose first fix on the new
   * side is that late, or that were pending at the checkpoint) revised. False when there is no
   * checkpoint to start from (the fix is older than the window's first one, or the window was
   * written before checkpoints).
   */
  private boolean reviseFromCheckpoint(TrackSummary state, Fix fix, Instant now) {
    String collar = fix.getCollarId();
    TrackCheckpoint checkpoint =
        state.windowStart == null
            ? null
            : checkpoints.newestBefore(collar, state.windowStart, fix.getFixTime());
    if (checkpoint == null) {
      return false;
    }
    Instant from = checkpoint.getFixTime();
    List<Fix> suffix = store.window(collar, FixKeys.of(collar, from));
    if (suffix.isEmpty()
        || !suffix.get(0).getFixTime().equals(from)
        || !TrackComputation.isCandidate(suffix.get(0))) {
      return false; // a checkpoint whose fix is gone (a crash between writes): start further back
    }
    fixesReread += suffix.size();
    Map<Long, Fix> previous = new HashMap<>();
    suffix.forEach(f -> previous.put(f.getFixTime().toEpochMilli(), f));
    boolean repeat = suffix.removeIf(f -> f.getFixTime().equals(fix.getFixTime()));
    int at = 0;
    while (at < suffix.size() && suffix.get(at).getFixTime().isBefore(fix.getFixTime())) {
      at++;
    }
    suffix.add(at, fix);
    BorderState before = TrackCheckpoints.state(checkpoint);
    TrackComputation.Result result =
        computation.compute(collar, before, checkpoint.getPreviousCandidate(), suffix, now);
    writeChanged(result, previous, fix, false);
    rewriteCheckpoints(collar, result, checkpoint.getPreviousCandidate(), from, from);

    // A crossing is confirmed at a fix after its first one on the new side: those confirmed from
    // the checkpoint on are the ones whose first fix is there or later, and the one pending at it.
    Fix pending = before.candidateFirst();
    List<Crossing> kept = new ArrayList<>();
    List<Crossing> touched = new ArrayList<>();
    for (Crossing c : state.crossings) {
      boolean fromHere =
          !c.getAfterFixTime().isBefore(from)
              || (pending != null && pending.getFixTime().equals(c.getAfterFixTime()));
      (fromHere ? touched : kept).add(c);
    }
    kept.addAll(reviseCrossings(touched, result.crossings(), now));
    state.crossings = kept;
    if (fix.getFixTime().isAfter(state.watermark)) {
      state.watermark = fix.getFixTime();
    }
    state.fixCount += repeat ? 0 : 1;
    state.newest(result);
    return true;
  }

  /** Stores and emits the recomputed fixes whose flags changed, and the fix that came in. */
  private void writeChanged(
      TrackComputation.Result result, Map<Long, Fix> previous, Fix fix, boolean legacy) {
    for (Fix out : result.fixes()) {
      Fix before = previous.get(out.getFixTime().toEpochMilli());
      boolean changed = before == null || !before.getQualityFlags().equals(out.getQualityFlags());
      if (changed || legacy || out.getFixTime().equals(fix.getFixTime())) {
        store.putFix(out);
      }
      if (changed || out.getFixTime().equals(fix.getFixTime())) {
        emitFix(out);
      }
    }
  }

  /**
   * Writes the checkpoints of the recomputed fixes (all but {@code unchanged}'s, whose state came
   * from before them) and drops the ones from {@code from} on that no candidate holds any more.
   */
  private void rewriteCheckpoints(
      String collar,
      TrackComputation.Result result,
      Fix previousCandidate,
      Instant from,
      Instant unchanged) {
    Set<String> held = new HashSet<>();
    Fix previous = previousCandidate;
    List<Fix> fixes = result.fixes();
    for (int i = 0; i < fixes.size(); i++) {
      Fix f = fixes.get(i);
      if (!TrackComputation.isCandidate(f)) {
        continue;
      }
      if (TrackCheckpoints.holds(f, previous)) {
        held.add(TrackCheckpoints.key(collar, f.getFixTime()));
        if (!f.getFixTime().equals(unchanged)) {
          checkpoints.put(collar, f, result.statesBefore().get(i), previous);
        }
      }
      previous = f;
    }
    for (String key : checkpoints.keysFrom(collar, from)) {
      if (!held.contains(key)) {
        leaving.add(key);
      }
    }
  }

  /**
   * Fixes older than the grace (and a margin) can no longer be revised: they leave the window and
   * are folded into the baseline, oldest first, so each fix is folded once. The window keeps at
   * least two fixes.
   */
  private void fold(TrackSummary s, Instant now) {
    Instant horizon = s.watermark.minus(params.maxGrace()).minus(params.maxGrace().dividedBy(4));
    if (s.fixCount > 2 && s.windowStart.isBefore(horizon)) {
      foldBefore(s, horizon, now);
    }
    Instant windowStart = s.windowStart;
    Fix candidateFirst = s.baseline.candidateFirst();
    if (s.crossings.stream().anyMatch(c -> c.getAfterFixTime().isBefore(windowStart))) {
      List<Crossing> live = new ArrayList<>(s.crossings);
      live.removeIf(
          c ->
              c.getAfterFixTime().isBefore(windowStart)
                  && (candidateFirst == null
                      || !candidateFirst.getFixTime().equals(c.getAfterFixTime())));
      s.crossings = live;
    }
  }

  private void foldBefore(TrackSummary s, Instant horizon, Instant now) {
    try (KeyValueIterator<String, Fix> it =
        store.fixes(s.collarId, FixKeys.of(s.collarId, s.windowStart))) {
      while (s.fixCount > 2 && it.hasNext()) {
        KeyValue<String, Fix> entry = it.next();
        Fix oldest = entry.value;
        if (!oldest.getFixTime().isBefore(horizon)) {
          break;
        }
        leaving.add(entry.key);
        s.baseline = computation.advance(s.collarId, s.baseline, oldest, now);
        if (TrackComputation.isCandidate(oldest)) {
          if (TrackCheckpoints.holds(oldest, s.foldedCandidate)) {
            leaving.add(TrackCheckpoints.key(s.collarId, oldest.getFixTime()));
          }
          s.foldedCandidate = oldest; // the next candidate's speed is still judged against it
        }
        if (s.lastCandidate != null && s.lastCandidate.getFixTime().equals(oldest.getFixTime())) {
          // The newest candidate left the window (two or more flagged fixes after it): the window
          // has none now.
          s.lastCandidate = null;
          s.previousCandidate = null;
          s.beforeLastCandidate = s.baseline;
        }
        s.fixCount--;
        // The next entry's key says when the window now starts, without decoding its value.
        s.windowStart =
            it.hasNext()
                ? Instant.ofEpochMilli(FixKeys.timeOf(it.peekNextKey()))
                : oldest.getFixTime();
      }
    }
  }

  /**
   * Emits new crossings, revisions of changed ones and retractions of vanished ones; returns the
   * live set.
   */
  private List<Crossing> reviseCrossings(
      List<Crossing> before, List<Crossing> now, Instant detectedAt) {
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
      emitCrossing(
          Crossing.newBuilder(gone)
              .setStatus(CrossingStatus.RETRACTED)
              .setRevision(gone.getRevision() + 1)
              .setDetectedAt(detectedAt)
              .build());
    }
    return live;
  }

  private static boolean sameContent(Crossing a, Crossing b) {
    Crossing x = Crossing.newBuilder(a).setRevision(0).setDetectedAt(Instant.EPOCH).build();
    Crossing y = Crossing.newBuilder(b).setRevision(0).setDetectedAt(Instant.EPOCH).build();
    return x.equals(y);
  }

  /**
   * The fix with its enrichment. Its other fields are shared with the decoded record, not copied: a
   * builder made from the record would deep-copy every field of every fix, which costs more than
   * the enrichment.
   */
  private Fix enrich(Fix raw) {
    Optional<Deployment> deployment = deploymentOf(raw);
    Fix f = new Fix();
    for (int i = 0; i < FIX_FIELDS; i++) {
      f.put(i, raw.get(i));
    }
    f.put(DEPLOYMENT_ID, deployment.map(Deployment::getDeploymentId).orElse(null));
    f.put(ANIMAL_ID, deployment.map(Deployment::getAnimalId).orElse(null));
    if (raw.getLat() != null && raw.getLon() != null) {
      f.put(COUNTRY, geo.countryAt(raw.getLat(), raw.getLon()).orElse(null));
      f.put(
          ZONES,
          geo.zonesAt(raw.getLat(), raw.getLon()).stream().map(GeoFeature::id).distinct().toList());
    }
    f.put(QUALITY_FLAGS, new ArrayList<>(computation.staticFlags(raw, deployment.isPresent())));
    return f;
  }

  private static final int FIX_FIELDS = Fix.getClassSchema().getFields().size();
  private static final int DEPLOYMENT_ID = Fix.getClassSchema().getField("deploymentId").pos();
  private static final int ANIMAL_ID = Fix.getClassSchema().getField("animalId").pos();
  private static final int COUNTRY = Fix.getClassSchema().getField("country").pos();
  private static final int ZONES = Fix.getClassSchema().getField("zones").pos();
  private static final int QUALITY_FLAGS = Fix.getClassSchema().getField("qualityFlags").pos();

  /** Fixes read back to recompute late ones since this processor started. */
  long fixesReread() {
    return fixesReread;
  }

  @Override
  public void close() {
    recent.clear();
  }

  private void emitFix(Fix fix) {
    context.forward(
        new Record<>(fix.getCollarId(), fix, fix.getFixTime().toEpochMilli()), FIXES_OUT);
  }

  private void emitCrossing(Crossing c) {
    context.forward(
        new Record<>(c.getCrossingId(), c, c.getAfterFixTime().toEpochMilli()), CROSSINGS_OUT);
  }
}
