package org.tugai.streams.alert.camera;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertType;
import org.tugai.avro.CameraAlertState;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Deployment;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.DeviceActivity;
import org.tugai.avro.DeviceDeployments;
import org.tugai.avro.Fix;
import org.tugai.avro.Severity;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.GeoFeature;
import org.tugai.streams.alert.AlertParams;
import org.tugai.streams.alert.AlertSinks;
import org.tugai.streams.alert.Alerts;
import org.tugai.streams.alert.AlertsConfig;
import org.tugai.streams.alert.Sun;
import org.tugai.streams.alert.position.PositionStoreUpdater;
import org.tugai.streams.alert.silence.SilenceWatch;
import org.tugai.streams.deployment.DeploymentStoreUpdater;
import org.tugai.streams.geo.Geodata;

/**
 * The intrusion rule, keyed by camera: a person, vehicle or dog at a camera deployed in a protected zone.
 * The detections of one camera less than the burst window apart are one incident, updated as the burst goes
 * on. Severity: high for people and vehicles, a warning for dogs; one step up at night (from the sun's
 * altitude at the camera), in a core zone, and when a collared animal was near (which also links the two).
 * Also watches cameras for silence.
 */
public final class IntrusionProcessor implements Processor<String, CameraEvent, String, Alert> {

  public static final String STORE = "camera-alert-state";
  public static final String ACTIVITY_STORE = "camera-activity";
  static final int MAX_SEEN = 200;

  private final AlertsConfig config;
  private final Geodata geo;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, CameraAlertState> store;
  private KeyValueStore<String, DeviceDeployments> deployments;
  private KeyValueStore<String, Fix> positions;
  private SilenceWatch silence;

  public IntrusionProcessor(AlertsConfig config, Geodata geo) {
    this.config = config;
    this.geo = geo;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.deployments = context.getStateStore(DeploymentStoreUpdater.STORE);
    this.positions = context.getStateStore(PositionStoreUpdater.STORE);
    KeyValueStore<String, DeviceActivity> activity = context.getStateStore(ACTIVITY_STORE);
    this.silence = new SilenceWatch(activity, "camera", this::deploymentAt, config::params, config.silenceIntervalByChannel());
    silence.scheduleSweeps(context, config.silenceCheckEvery(),
        a -> context.forward(new Record<>(a.getAlertId(), a, context.currentSystemTimeMs()), AlertSinks.UPDATES));
  }

  private Optional<Deployment> deploymentAt(String device, Instant time) {
    return DeploymentStoreUpdater.validAt(deployments.get(device), time);
  }

  @Override
  public void process(Record<String, CameraEvent> record) {
    CameraEvent event = record.value();
    if (event == null || event.getQualityFlags().contains(org.tugai.schemas.CameraEventFlags.IMPORTED)) {
      // An imported package is the past: neither an intrusion to send rangers to now nor a sign of the camera's life.
      return;
    }
    String camera = event.getCameraId();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Optional<Deployment> deployment = deploymentAt(camera, event.getCapturedAt());
    Double lat = deployment.map(Deployment::getLat).orElse(null);
    Double lon = deployment.map(Deployment::getLon).orElse(null);
    List<GeoFeature> zones = lat == null || lon == null ? List.of() : geo.zonesAt(lat, lon);
    List<String> zoneIds = zones.stream().map(GeoFeature::id).distinct().toList();
    silence.heard(camera, org.tugai.schemas.Channels.of(event.getSource()), now, lat, lon, zoneIds, null)
        .ifPresent(a -> context.forward(new Record<>(a.getAlertId(), a, record.timestamp()), AlertSinks.UPDATES));

    List<GeoFeature> protectedZones = zones.stream().filter(z -> config.protectedTypes().contains(z.type())).toList();
    if (protectedZones.isEmpty()) {
      return;
    }
    AlertParams p = config.params(zoneIds, null);
    List<Detection> found = Intrusion.qualifying(event, p, config);
    if (found.isEmpty()) {
      return;
    }
    CameraAlertState state = store.get(camera);
    if (state != null && state.getSeenEvents().contains(event.getEventId())) {
      return;
    }
    Alert burst = state == null ? null : state.getBurst();
    Instant t = event.getCapturedAt();
    boolean sameBurst = burst != null
        && !t.isAfter(burst.getLastSeen().plus(p.intrusionBurstWindow()))
        && !t.isBefore(burst.getFirstSeen().minus(p.intrusionBurstWindow()));
    boolean olderThanBurst = burst != null && !sameBurst && t.isBefore(burst.getFirstSeen());
    Alert before = sameBurst ? burst : null;

    double sunAltitude = Sun.altitudeDeg(lat, lon, t);
    boolean night = sunAltitude < p.nightSunAltitudeDeg();
    boolean core = protectedZones.stream().anyMatch(z -> z.flag("core"));
    boolean peopleOrVehicles = found.stream().anyMatch(d -> d.getCategory() != DetectionClass.ANIMAL);
    Optional<Fix> animal = nearestAnimal(lat, lon, t, p);
    Severity severity = Alerts.raise(peopleOrVehicles ? Severity.HIGH : Severity.WARNING,
        (night ? 1 : 0) + (core ? 1 : 0) + (animal.isPresent() ? 1 : 0));
    if (before != null) {
      severity = Alerts.max(severity, before.getSeverity());
    }

    Set<String> labels = new LinkedHashSet<>();
    found.forEach(d -> labels.add(Intrusion.label(d)));
    Map<String, String> details = new LinkedHashMap<>(before == null ? Map.of() : before.getDetails());
    int events = Integer.parseInt(details.getOrDefault("events", "0")) + 1;
    double maxConfidence = Math.max(Double.parseDouble(details.getOrDefault("maxConfidence", "0")),
        found.stream().mapToDouble(Detection::getConfidence).max().orElse(0));
    Set<String> allLabels = new LinkedHashSet<>(before == null ? List.of() : List.of(details.getOrDefault("classes", "").split(",")));
    allLabels.addAll(labels);
    allLabels.remove("");
    details.put("events", String.valueOf(events));
    details.put("classes", String.join(",", allLabels));
    details.put("maxConfidence", String.format(Locale.ROOT, "%.2f", maxConfidence));
    details.put("sunAltitudeDeg", String.format(Locale.ROOT, "%.1f", sunAltitude));
    details.put("night", String.valueOf(night || Boolean.parseBoolean(details.getOrDefault("night", "false"))));
    details.put("coreZone", String.valueOf(core));

    Instant first = before == null ? t : (t.isBefore(before.getFirstSeen()) ? t : before.getFirstSeen());
    Instant last = before == null ? t : (t.isAfter(before.getLastSeen()) ? t : before.getLastSeen());
    String id = before != null ? before.getAlertId() : Alerts.id(camera, "intrusion", t);
    List<String> evidence = new ArrayList<>(List.of("event:" + camera + "/" + event.getEventId()));
    List<String> links = new ArrayList<>(before == null ? List.of() : before.getLinks());
    String animalId = before == null ? null : before.getAnimalId();
    if (animal.isPresent()) {
      Fix f = animal.get();
      evidence.add(Alerts.fixKey(f));
      String link = "animal:" + (f.getAnimalId() == null ? f.getCollarId() : f.getAnimalId());
      if (!links.contains(link)) {
        links.add(link);
      }
      animalId = animalId == null ? f.getAnimalId() : animalId;
      details.put("nearestAnimalM", String.valueOf(Math.round(Countries.haversineM(lat, lon, f.getLat(), f.getLon()))));
    }
    String zoneName = protectedZones.get(0).name();
    Alert alert = Alerts.open(id, AlertType.INTRUSION, severity, first, last, now)
        .setTitle(capitalize(String.join(" and ", allLabels)) + " at camera " + camera + " in " + zoneName
            + (night ? " at night" : "") + (events > 1 ? " (" + events + " events)" : "")
            + (animalId != null ? ", near " + animalId : ""))
        .setLat(lat).setLon(lon).setZones(zoneIds).setChannels(Alerts.channels(zoneIds))
        .setDeviceId(camera).setAnimalId(animalId)
        .setEvidence(Alerts.appendCapped(before == null ? List.of() : before.getEvidence(), evidence))
        .setMedia(Alerts.appendCapped(before == null ? List.of() : before.getMedia(), event.getMedia()))
        .setLinks(links).setDetails(details)
        .build();
    context.forward(new Record<>(id, alert, record.timestamp()), AlertSinks.UPDATES);

    if (!olderThanBurst) {
      // An event older than the current burst gets its own incident but does not replace the burst.
      List<String> seen = new ArrayList<>(sameBurst ? state.getSeenEvents() : List.of());
      seen.add(event.getEventId());
      if (seen.size() > MAX_SEEN) {
        seen = new ArrayList<>(seen.subList(seen.size() - MAX_SEEN, seen.size()));
      }
      store.put(camera, CameraAlertState.newBuilder().setCameraId(camera).setBurst(alert).setSeenEvents(seen).build());
    }
  }

  /** The collared animal closest to the camera whose latest good fix is near in space and time. */
  private Optional<Fix> nearestAnimal(double lat, double lon, Instant t, AlertParams p) {
    Fix best = null;
    double bestM = Double.MAX_VALUE;
    try (KeyValueIterator<String, Fix> all = positions.all()) {
      while (all.hasNext()) {
        Fix f = all.next().value;
        if (f == null || f.getLat() == null || f.getLon() == null
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

  private static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}
