package org.tugai.streams.alert.collar;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final WindowCache<CollarWindow> windows;

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
    this.windows = new WindowCache<>(cache);
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
    CollarWindow window = window(collar, state, now.toEpochMilli());
    RuleFix newestGood = window.newestGood();
    // Held with the window: shares the text of the fix before it.
    RuleFix added = RuleFix.of(fix, window.newest());
    List<RuleFix> left = window.add(added, keep);

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
    if (added.good() && (newestGood == null || added.fixTimeMs() >= newestGood.fixTimeMs())) {
      context.forward(
          new Record<>(collar, (SpecificRecord) fix, record.timestamp()), AlertSinks.POSITIONS);
    }

    String species =
        deploymentAt(collar, window.newest().getFixTime()).map(Deployment::getSpecies).orElse(null);
    Map<String, Alert> open = state == null ? Map.of() : state.getOpen();
    CollarRules.Result result = rules.evaluate(collar, species, window, open, now);
    result.updates().forEach(a -> send(a, record.timestamp()));
    // Fix entries first, the summary next, deletes last (CollarStore says why).
    writeFixes(state, fix, added, window);
    windows.put(collar, window, window.size(), now.toEpochMilli());
    store.putSummary(
        collar,
        CollarAlertState.newBuilder()
            .setCollarId(collar)
            .setFixes(List.of())
            .setFixCount(window.size())
            .setOpen(result.open())
            .build());
    // Those that left the window, and the fix itself if it came too late for it: a stale entry of
    // its time must not outlive it.
    left.forEach(f -> store.delete(FixKeys.of(collar, f.fixTimeMs())));
  }

  /**
   * The collar's window: held in memory if it is current, else read from the store (or from a
   * version 1-2 state).
   */
  private CollarWindow window(String collar, CollarAlertState state, long nowMs) {
    if (state == null) {
      return CollarWindow.of(List.of());
    }
    if (!state.getFixes().isEmpty()) {
      return CollarWindow.of(RuleFix.all(state.getFixes()));
    }
    CollarWindow cached = windows.get(collar, nowMs);
    if (cached != null && cached.size() == state.getFixCount()) {
      return cached;
    }
    // An entry older than the window (its delete lost in a crash) is trimmed by CollarWindow and
    // deleted then.
    return CollarWindow.of(RuleFix.all(store.window(collar, FixKeys.first(collar))));
  }

  /**
   * Writes the new or revised fix if the window keeps it and, from a version 1-2 state, every fix
   * it kept.
   */
  private void writeFixes(CollarAlertState state, Fix fix, RuleFix added, CollarWindow window) {
    long first = window.fixes().get(0).fixTimeMs();
    if (state != null && !state.getFixes().isEmpty()) {
      for (Fix f : state.getFixes()) {
        if (f.getFixTime().toEpochMilli() >= first) {
          store.putFix(f);
        }
      }
    }
    if (added.fixTimeMs() >= first) {
      store.putFix(fix);
    }
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
