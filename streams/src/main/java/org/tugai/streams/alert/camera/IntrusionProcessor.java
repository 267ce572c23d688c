package org.tugai.streams.alert.camera;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Alert;
import org.tugai.avro.CameraAlertState;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Deployment;
import org.tugai.avro.Detection;
import org.tugai.avro.DeviceActivity;
import org.tugai.avro.DeviceDeployments;
import org.tugai.avro.Fix;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.GeoFeature;
import org.tugai.schemas.CameraEventFlags;
import org.tugai.schemas.Channels;
import org.tugai.streams.alert.AlertParams;
import org.tugai.streams.alert.AlertSinks;
import org.tugai.streams.alert.AlertsConfig;
import org.tugai.streams.alert.position.PositionStoreUpdater;
import org.tugai.streams.alert.silence.SilenceWatch;
import org.tugai.streams.deployment.DeploymentStoreUpdater;
import org.tugai.streams.geo.Geodata;

/**
 * Runs the intrusion rule ({@link IntrusionRule}) keyed by camera: finds the camera's deployment,
 * its zones and the collared animal nearest it, and keeps the camera's burst. Also watches cameras
 * for silence.
 */
public final class IntrusionProcessor implements Processor<String, CameraEvent, String, Alert> {

  public static final String STORE = "camera-alert-state";
  public static final String ACTIVITY_STORE = "camera-activity";

  private final AlertsConfig config;
  private final IntrusionRule rule;
  private final Geodata geo;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, CameraAlertState> store;
  private KeyValueStore<String, DeviceDeployments> deployments;
  private KeyValueStore<String, Fix> positions;
  private SilenceWatch silence;

  public IntrusionProcessor(AlertsConfig config, Geodata geo) {
    this.config = config;
    this.rule = new IntrusionRule(config);
    this.geo = geo;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.deployments = context.getStateStore(DeploymentStoreUpdater.STORE);
    this.positions = context.getStateStore(PositionStoreUpdater.STORE);
    KeyValueStore<String, DeviceActivity> activity = context.getStateStore(ACTIVITY_STORE);
    this.silence =
        new SilenceWatch(
            activity,
            "camera",
            this::deploymentAt,
            config::params,
            config.silenceIntervalByChannel());
    silence.scheduleSweeps(
        context,
        config.silenceCheckEvery(),
        a ->
            context.forward(
                new Record<>(a.getAlertId(), a, context.currentSystemTimeMs()),
                AlertSinks.UPDATES));
  }

  private Optional<Deployment> deploymentAt(String device, Instant time) {
    return DeploymentStoreUpdater.validAt(deployments.get(device), time);
  }

  @Override
  public void process(Record<String, CameraEvent> record) {
    CameraEvent event = record.value();
    if (event == null || event.getQualityFlags().contains(CameraEventFlags.IMPORTED)) {
      // An imported package is the past: neither an intrusion to send rangers to now nor a sign of
      // the camera's life.
      return;
    }
    String camera = event.getCameraId();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Optional<Deployment> deployment = deploymentAt(camera, event.getCapturedAt());
    Double lat = deployment.map(Deployment::getLat).orElse(null);
    Double lon = deployment.map(Deployment::getLon).orElse(null);
    List<GeoFeature> zones = lat == null || lon == null ? List.of() : geo.zonesAt(lat, lon);
    List<String> zoneIds = zones.stream().map(GeoFeature::id).distinct().toList();
    silence
        .heard(camera, Channels.of(event.getSource()), now, lat, lon, zoneIds, null)
        .ifPresent(
            a ->
                context.forward(
                    new Record<>(a.getAlertId(), a, record.timestamp()), AlertSinks.UPDATES));

    List<GeoFeature> protectedZones =
        zones.stream().filter(z -> config.protectedTypes().contains(z.type())).toList();
    if (protectedZones.isEmpty()) {
      return;
    }
    AlertParams p = config.params(zoneIds, null);
    List<Detection> found = rule.qualifying(event, p);
    CameraAlertState state = store.get(camera);
    if (found.isEmpty() || IntrusionRule.counted(state, event)) {
      return;
    }
    IntrusionRule.Sighting sighting =
        new IntrusionRule.Sighting(
            event,
            lat,
            lon,
            protectedZones,
            zoneIds,
            nearestAnimal(lat, lon, event.getCapturedAt(), p),
            now);
    IntrusionRule.Decision decision = rule.decide(sighting, found, state, p);
    context.forward(
        new Record<>(decision.alert().getAlertId(), decision.alert(), record.timestamp()),
        AlertSinks.UPDATES);
    if (decision.next() != null) {
      store.put(camera, decision.next());
    }
  }

  /** The collared animal closest to the camera whose latest good fix is near in space and time. */
  private Optional<Fix> nearestAnimal(double lat, double lon, Instant t, AlertParams p) {
    Fix best = null;
    double bestM = Double.MAX_VALUE;
    try (KeyValueIterator<String, Fix> all = positions.all()) {
      while (all.hasNext()) {
        Fix f = all.next().value;
        if (f == null
            || f.getLat() == null
            || f.getLon() == null
            || Duration.between(f.getFixTime(), t).abs().compareTo(p.escalationWindow()) > 0) {
          continue;
        }
        double m = Countries.haversineM(lat, lon, f.getLat(), f.getLon());
        if (m <= p.escalationDistanceM() && m < bestM) {
          best = f;
          bestM = m;
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
