package org.tugai.streams.alert.silence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertType;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceActivity;
import org.tugai.avro.Severity;
import org.tugai.streams.alert.AlertParams;
import org.tugai.streams.alert.Alerts;

/**
 * The silence rule for the devices of one task. Every message a device sends is noted (wall clock,
 * as the rule is about the device going quiet now, not about event time); a sweep driven by
 * wall-clock punctuation raises an alert for each device silent for k times its expected interval,
 * taken from its deployment or, failing that, learned from the gaps between its uploads. The alert
 * resolves when the device speaks again.
 */
public final class SilenceWatch {

  /**
   * Gaps shorter than this are one upload (a store-and-forward batch), not the device's interval.
   */
  static final long MIN_GAP_MS = 60_000;

  /** Weight of the newest gap in the learned interval. */
  static final double LEARN_RATE = 0.3;

  private final KeyValueStore<String, DeviceActivity> store;
  private final String kind;
  private final BiFunction<String, Instant, Optional<Deployment>> deployment;
  private final BiFunction<List<String>, String, AlertParams> params;
  private final Map<String, Duration> intervalByChannel;

  /**
   * @param intervalByChannel the expected interval of devices of a channel whose deployment names
   *     none
   */
  public SilenceWatch(
      KeyValueStore<String, DeviceActivity> store,
      String kind,
      BiFunction<String, Instant, Optional<Deployment>> deployment,
      BiFunction<List<String>, String, AlertParams> params,
      Map<String, Duration> intervalByChannel) {
    this.store = store;
    this.kind = kind;
    this.deployment = deployment;
    this.params = params;
    this.intervalByChannel = intervalByChannel;
  }

  /**
   * Sweeps every {@code every} of wall-clock time and hands each new silence alert to {@code send}.
   */
  public void scheduleSweeps(ProcessingContext context, Duration every, Consumer<Alert> send) {
    context.schedule(
        every,
        PunctuationType.WALL_CLOCK_TIME,
        at -> sweep(Instant.ofEpochMilli(at)).forEach(send));
  }

  /**
   * A message from the device arrived now; returns the resolution of its silence alert, if it had
   * one.
   */
  public Optional<Alert> heard(
      String deviceId,
      String channel,
      Instant now,
      Double lat,
      Double lon,
      List<String> zones,
      String animalId) {
    DeviceActivity before = store.get(deviceId);
    DeviceActivity.Builder next =
        before == null
            ? DeviceActivity.newBuilder().setDeviceId(deviceId).setKind(kind).setLastArrival(now)
            : DeviceActivity.newBuilder(before).setLastArrival(now);
    next.setChannel(channel);
    if (before != null) {
      long gap = now.toEpochMilli() - before.getLastArrival().toEpochMilli();
      if (gap >= MIN_GAP_MS) {
        double seconds = gap / 1000.0;
        Double learned = before.getLearnedIntervalS();
        next.setLearnedIntervalS(
            learned == null ? seconds : learned + LEARN_RATE * (seconds - learned));
        next.setSamples(before.getSamples() + 1);
      }
    }
    if (lat != null && lon != null) {
      next.setLat(lat).setLon(lon).setZones(zones);
    }
    if (animalId != null) {
      next.setAnimalId(animalId);
    }
    Alert open = before == null ? null : before.getSilence();
    next.setSilence(null);
    store.put(deviceId, next.build());
    return open == null
        ? Optional.empty()
        : Optional.of(Alerts.resolved(open, "heard from again", now, now));
  }

  /** The sweep: new silence alerts for devices that went quiet. */
  public List<Alert> sweep(Instant now) {
    List<DeviceActivity> silent = new ArrayList<>();
    List<Alert> raised = new ArrayList<>();
    try (KeyValueIterator<String, DeviceActivity> all = store.all()) {
      while (all.hasNext()) {
        DeviceActivity a = all.next().value;
        if (a == null || a.getSilence() != null) {
          continue;
        }
        Optional<Deployment> d = deployment.apply(a.getDeviceId(), now);
        Double expected =
            d.map(Deployment::getExpectedIntervalS).map(Integer::doubleValue).orElse(null);
        String expectedFrom = "deployment";
        AlertParams p = params.apply(a.getZones(), d.map(Deployment::getSpecies).orElse(null));
        Duration byChannel = a.getChannel() == null ? null : intervalByChannel.get(a.getChannel());
        if (expected == null && byChannel != null) {
          expected = byChannel.toMillis() / 1000.0;
          expectedFrom = "channel " + a.getChannel();
        }
        if (expected == null
            && a.getLearnedIntervalS() != null
            && a.getSamples() >= p.silenceMinSamples()) {
          expected = a.getLearnedIntervalS();
          expectedFrom = "learned";
        }
        if (expected == null || expected <= 0) {
          continue;
        }
        double silentS = (now.toEpochMilli() - a.getLastArrival().toEpochMilli()) / 1000.0;
        if (silentS >= p.silenceFactor() * expected) {
          silent.add(a);
          Alert alert =
              Alerts.open(
                      Alerts.id(a.getDeviceId(), "silence", a.getLastArrival()),
                      AlertType.SILENCE,
                      Severity.WARNING,
                      a.getLastArrival(),
                      now,
                      now)
                  .setTitle(
                      kind
                          + " "
                          + a.getDeviceId()
                          + (a.getAnimalId() == null ? "" : " (" + a.getAnimalId() + ")")
                          + " silent for "
                          + human(silentS)
                          + ", expected every "
                          + human(expected))
                  .setDeviceId(a.getDeviceId())
                  .setAnimalId(a.getAnimalId())
                  .setLat(a.getLat())
                  .setLon(a.getLon())
                  .setZones(a.getZones())
                  .setChannels(Alerts.channels(a.getZones()))
                  .setDetails(
                      Map.of(
                          "silentS",
                          String.valueOf(Math.round(silentS)),
                          "expectedIntervalS",
                          String.valueOf(Math.round(expected)),
                          "expectedFrom",
                          expectedFrom))
                  .build();
          raised.add(alert);
        }
      }
    }
    for (int i = 0; i < silent.size(); i++) {
      store.put(
          silent.get(i).getDeviceId(),
          DeviceActivity.newBuilder(silent.get(i)).setSilence(raised.get(i)).build());
    }
    return raised;
  }

  static String human(double seconds) {
    if (seconds >= 2 * 86_400) {
      return Math.round(seconds / 86_400) + " d";
    }
    if (seconds >= 2 * 3_600) {
      return Math.round(seconds / 3_600) + " h";
    }
    if (seconds >= 120) {
      return Math.round(seconds / 60) + " min";
    }
    return Math.round(seconds) + " s";
  }
}
