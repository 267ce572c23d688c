package org.tugai.streams.alert.collar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Alert;
import org.tugai.avro.CollarAlertState;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceActivity;
import org.tugai.avro.DeviceDeployments;
import org.tugai.avro.Fix;
import org.tugai.schemas.AvroSerde;
import org.tugai.schemas.Channels;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.streams.alert.AlertSinks;
import org.tugai.streams.alert.AlertsConfig;
import org.tugai.streams.alert.silence.SilenceWatch;
import org.tugai.streams.deployment.DeploymentStoreUpdater;
import org.tugai.streams.store.CollarStore;
import org.tugai.streams.store.FixKeys;
import org.tugai.streams.store.SharedValues;
import org.tugai.streams.store.WindowCache;

/**
 * Runs the collar rules on every enriched fix (new, late or revised), keyed by collar: keeps the
 * collar's fixes of the rule window in event time and its open incidents, sends alert updates by
 * alert id, and the collar's latest good position for linking camera detections. Also watches
 * collars for silence.
 */
public final class CollarRulesProcessor implements Processor<String, Fix, String, SpecificRecord> {

  public static final String STORE = "collar-alert-state";

  public static final String ACTIVITY_STORE = "collar-activity";
  private final AlertsConfig config;
  private final CollarRules rules;

  /**
   * Event time of fixes kept: the configured window, or longer if the immobility rule of some scope
   * looks back further.
   */
  private final Duration keep;

  private ProcessorContext<String, SpecificRecord> context;

  /**
   * Per collar its open incidents and its window's fixes, one entry per fix: a fix writes its own
   * entry, not the window.
   */
  private CollarStore<CollarAlertState> store;

  private final SchemaCatalog catalog;

  /** Windows held decoded ({@code alerts.cached-fixes}); the store stays the truth. */
  private final WindowCache windows;

  private KeyValueStore<String, DeviceDeployments> deployments;
  private SilenceWatch silence;

  /**
   * @param cache the instance's budget of decoded fixes ({@code alerts.cached-fixes}), shared by
   *     the processors of all its tasks
   */
  public CollarRulesProcessor(
      AlertsConfig config, CollarRules rules, SchemaCatalog catalog, WindowCache.Budget cache) {
    this.config = config;
    this.catalog = catalog;
    this.rules = rules;
    this.keep = keep(config);
    this.windows = new WindowCache(cache);
  }

  /** The event time of fixes the rules need per collar. */
  public static Duration keep(AlertsConfig config) {
    return config.longestRuleWindow().compareTo(config.window()) > 0
        ? config.longestRuleWindow()
        : config.window();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    KeyValueStore<String, byte[]> bytes = context.getStateStore(STORE);
    this.store =
        new CollarStore<>(
            bytes,
            new AvroSerde<>(CollarAlertState.class, catalog),
            new AvroSerde<>(Fix.class, catalog));
    windows.clear(); // the task may have run elsewhere since: only the store is to be trusted now
    this.deployments = context.getStateStore(DeploymentStoreUpdater.STORE);
    KeyValueStore<String, DeviceActivity> activity = context.getStateStore(ACTIVITY_STORE);
    this.silence =
        new SilenceWatch(
            activity,
            "collar",
            this::deploymentAt,
            config::params,
            config.silenceIntervalByChannel());
    silence.scheduleSweeps(
        context, config.silenceCheckEvery(), a -> send(a, context.currentSystemTimeMs()));
  }

  private Optional<Deployment> deploymentAt(String device, Instant time) {
    return DeploymentStoreUpdater.validAt(deployments.get(device), time);
  }

  @Override
  public void process(Record<String, Fix> record) {
    Fix fix = record.value();
    if (fix == null) {
      return;
    }
    String collar = fix.getCollarId();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    CollarAlertState state = store.summary(collar);
    List<Fix> before = window(collar, state, now.toEpochMilli());
    if (!before.isEmpty()) {
      SharedValues.share(fix, before.get(before.size() - 1)); // held with the window, it costs less
    }
    Fix newestGood = null;
    for (Fix f : before) {
      if (CollarRules.good(f)
          && (newestGood == null || f.getFixTime().isAfter(newestGood.getFixTime()))) {
        newestGood = f;
      }
    }
    List<Fix> window = CollarWindow.with(before, fix, keep);

    silence
        .heard(
            collar,
            Channels.of(fix.getSource()),
            now,
            fix.getLat(),
            fix.getLon(),
            fix.getZones(),
            fix.getAnimalId())
        .ifPresent(a -> send(a, record.timestamp()));
    if (CollarRules.good(fix)
        && (newestGood == null || !fix.getFixTime().isBefore(newestGood.getFixTime()))) {
      context.forward(
          new Record<>(collar, (SpecificRecord) fix, record.timestamp()), AlertSinks.POSITIONS);
    }

    String species =
        deploymentAt(collar, window.get(window.size() - 1).getFixTime())
            .map(Deployment::getSpecies)
            .orElse(null);
    Map<String, Alert> open = state == null ? Map.of() : state.getOpen();
    CollarRules.Result result = rules.evaluate(collar, species, window, open, now);
    result.updates().forEach(a -> send(a, record.timestamp()));
    // Fix entries first, the summary next, deletes last (CollarStore says why).
    List<String> leaving = writeWindow(collar, state, before, window, now.toEpochMilli());
    store.putSummary(
        collar,
        CollarAlertState.newBuilder()
            .setCollarId(collar)
            .setFixes(List.of())
            .setFixCount(window.size())
            .setOpen(result.open())
            .build());
    leaving.forEach(store::delete);
  }

  /**
   * The collar's window: held in memory if it is current, else read from the store (or from a
   * version 1-2 state).
   */
  private List<Fix> window(String collar, CollarAlertState state, long nowMs) {
    if (state == null) {
      return List.of();
    }
    if (!state.getFixes().isEmpty()) {
      return state.getFixes();
    }
    List<Fix> cached = windows.get(collar, nowMs);
    if (cached != null && cached.size() == state.getFixCount()) {
      return cached;
    }
    // An entry older than the window (its delete lost in a crash) is trimmed by CollarWindow and
    // deleted then.
    return SharedValues.shareAll(store.window(collar, FixKeys.first(collar)));
  }

  /**
   * Writes what changed between the windows, the new or revised fix; returns the entries of the
   * fixes that left.
   */
  private List<String> writeWindow(
      String collar, CollarAlertState state, List<Fix> before, List<Fix> after, long nowMs) {
    boolean legacy = state != null && !state.getFixes().isEmpty();
    Set<Instant> kept = new HashSet<>();
    after.forEach(f -> kept.add(f.getFixTime()));
    IdentityHashMap<Fix, Boolean> old = new IdentityHashMap<>();
    before.forEach(f -> old.put(f, Boolean.TRUE));
    List<String> leaving = new ArrayList<>();
    for (Fix f : before) {
      if (!kept.contains(f.getFixTime())) {
        leaving.add(FixKeys.of(f));
      }
    }
    for (Fix f : after) {
      if (legacy || !old.containsKey(f)) {
        store.putFix(f);
      }
    }
    windows.put(collar, after, nowMs);
    return leaving;
  }

  @Override
  public void close() {
    windows.clear(); // its fixes go back to the instance's budget
  }

  private void send(Alert alert, long timestamp) {
    context.forward(
        new Record<>(alert.getAlertId(), (SpecificRecord) alert, timestamp), AlertSinks.UPDATES);
  }
}
