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

/**
 * Per collar, in event time: enriches each fix (deployment, animal, country, zones, quality flags), keeps the
 * fixes of the revision window in a changelogged store, recomputes outliers and crossings whenever a fix
 * arrives, in order or late, and emits what changed: revised fixes to the enriched-fixes topic, new, revised
 * and retracted crossings (stable ids) to the crossings topic. Fixes later than the grace are stored, flagged
 * {@code late}, and no longer revise anything.
 */
public final class TrackProcessor implements Processor<String, Fix, String, SpecificRecord> {

  public static final String STORE = "track-state";
  public static final String FIXES_OUT = "fixes-enriched-out";
  public static final String CROSSINGS_OUT = "crossings-out";

  private final TrackParams params;
  private final Geodata geo;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, TrackState> store;
  private KeyValueStore<String, DeviceDeployments> deployments;
  private TrackComputation computation;
  /**
   * Decoded states of recently seen collars, written through to the store: decoding a window of fixes for
   * every fix costs more than the computation itself. The store stays the truth (it is what the changelog
   * restores); this task is the only writer of its keys.
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
    List<Fix> window = new ArrayList<>(state.getFixes());
    Map<Long, Fix> previous = new HashMap<>();
    window.forEach(f -> previous.put(f.getFixTime().toEpochMilli(), f));
    window.removeIf(f -> f.getFixTime().equals(fix.getFixTime()));
    int at = 0;
    while (at < window.size() && window.get(at).getFixTime().isBefore(fix.getFixTime())) {
      at++;
    }
    window.add(at, fix);
    Instant watermark = fix.getFixTime().isAfter(state.getWatermark()) ? fix.getFixTime() : state.getWatermark();

    BorderState baseline = new BorderState(state.getBaseConfirmed(), state.getBaseDeploymentId(), state.getBaseLastGood(),
        state.getBaseCandidate(), state.getBaseCandidateFirst(), state.getBaseCandidateCount());
    TrackComputation.Result result = computation.compute(collar, baseline, window, now);

    for (Fix out : result.fixes()) {
      Fix before = previous.get(out.getFixTime().toEpochMilli());
      if (out.getFixTime().equals(fix.getFixTime()) || before == null || !before.getQualityFlags().equals(out.getQualityFlags())) {
        emitFix(out);
      }
    }
    List<Crossing> live = reviseCrossings(state.getCrossings(), result.crossings(), now);

    // Fixes older than the grace (and a margin) can no longer be revised: fold them into the baseline.
    List<Fix> kept = new ArrayList<>(result.fixes());
    Instant horizon = watermark.minus(params.grace()).minus(params.grace().dividedBy(4));
    while (kept.size() > 2 && kept.get(0).getFixTime().isBefore(horizon)) {
      baseline = computation.advance(collar, baseline, kept.remove(0), now);
    }
    Instant windowStart = kept.get(0).getFixTime();
    Fix candidateFirst = baseline.candidateFirst();
    live.removeIf(c -> c.getAfterFixTime().isBefore(windowStart)
        && (candidateFirst == null || !candidateFirst.getFixTime().equals(c.getAfterFixTime())));

    TrackState updated = TrackState.newBuilder().setCollarId(collar).setWatermark(watermark).setFixes(kept)
        .setBaseConfirmed(baseline.confirmed()).setBaseDeploymentId(baseline.deploymentId()).setBaseLastGood(baseline.lastGood())
        .setBaseCandidate(baseline.candidate()).setBaseCandidateFirst(baseline.candidateFirst())
        .setBaseCandidateCount(baseline.candidateCount()).setCrossings(live).build();
    store.put(collar, updated);
    recent.put(collar, updated);
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
