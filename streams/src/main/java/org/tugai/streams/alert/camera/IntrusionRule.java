package org.tugai.streams.alert.camera;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertType;
import org.tugai.avro.CameraAlertState;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.Fix;
import org.tugai.avro.IntrusionTally;
import org.tugai.avro.Severity;
import org.tugai.core.geo.Countries;
import org.tugai.core.geo.GeoFeature;
import org.tugai.streams.alert.AlertParams;
import org.tugai.streams.alert.Alerts;
import org.tugai.streams.alert.AlertsConfig;
import org.tugai.streams.alert.Sun;

/**
 * The intrusion rule on one camera: which detections count, whether an event continues the current
 * burst, its severity, and the incident and state that follow. Pure, like {@code CollarRules}: the
 * processor looks up the deployment, the zones and the nearest animal, and keeps the state.
 */
public final class IntrusionRule {

  /** Event ids a burst remembers, so that a re-delivered event changes nothing. */
  static final int MAX_SEEN = 200;

  private final AlertsConfig config;

  public IntrusionRule(AlertsConfig config) {
    this.config = config;
  }

  /**
   * One camera event at a camera deployed in at least one protected zone.
   *
   * @param protectedZones the protected zones at the camera, first the one the title names
   * @param zoneIds every zone at the camera (the alert's routing)
   * @param nearestAnimal the collared animal to escalate for, if one was near in space and time
   * @param now wall-clock time of the update
   */
  public record Sighting(
      CameraEvent event,
      double lat,
      double lon,
      List<GeoFeature> protectedZones,
      List<String> zoneIds,
      Optional<Fix> nearestAnimal,
      Instant now) {}

  /**
   * The incident to send, and the camera's state after it ({@code null}: keep the state as it was).
   */
  public record Decision(Alert alert, CameraAlertState next) {}

  /**
   * The detections of {@code event} that are an intrusion: people, vehicles and dogs at or above
   * the threshold.
   */
  public List<Detection> qualifying(CameraEvent event, AlertParams p) {
    return event.getDetections().stream()
        .filter(d -> d.getConfidence() >= p.intrusionMinConfidence())
        .filter(
            d ->
                d.getCategory() == DetectionClass.PERSON
                    || d.getCategory() == DetectionClass.VEHICLE
                    || (d.getSpecies() != null && config.dogSpecies().contains(d.getSpecies())))
        .toList();
  }

  /** Whether the camera's current burst has already counted this event (a re-delivery). */
  public static boolean counted(CameraAlertState state, CameraEvent event) {
    return state != null && state.getSeenEvents().contains(event.getEventId());
  }

  /**
   * The incident for a sighting with qualifying detections {@code found}, given the camera's state.
   */
  public Decision decide(Sighting s, List<Detection> found, CameraAlertState state, AlertParams p) {
    CameraEvent event = s.event();
    String camera = event.getCameraId();
    Alert burst = state == null ? null : state.getBurst();
    Instant t = event.getCapturedAt();
    boolean sameBurst =
        burst != null
            && !t.isAfter(burst.getLastSeen().plus(p.intrusionBurstWindow()))
            && !t.isBefore(burst.getFirstSeen().minus(p.intrusionBurstWindow()));
    boolean olderThanBurst = burst != null && !sameBurst && t.isBefore(burst.getFirstSeen());
    Alert before = sameBurst ? burst : null;

    double sunAltitude = Sun.altitudeDeg(s.lat(), s.lon(), t);
    boolean night = sunAltitude < p.nightSunAltitudeDeg();
    boolean core = s.protectedZones().stream().anyMatch(z -> z.flag("core"));
    boolean peopleOrVehicles =
        found.stream().anyMatch(d -> d.getCategory() != DetectionClass.ANIMAL);
    Severity severity =
        Alerts.raise(
            peopleOrVehicles ? Severity.HIGH : Severity.WARNING,
            (night ? 1 : 0) + (core ? 1 : 0) + (s.nearestAnimal().isPresent() ? 1 : 0));
    if (before != null) {
      severity = Alerts.max(severity, before.getSeverity());
    }

    IntrusionTally tally = counted(before == null ? null : tallyOf(state), found, night);
    Map<String, String> details =
        new LinkedHashMap<>(before == null ? Map.of() : before.getDetails());
    details.put("events", String.valueOf(tally.getEvents()));
    details.put("classes", String.join(",", tally.getClasses()));
    details.put("maxConfidence", String.format(Locale.ROOT, "%.2f", tally.getMaxConfidence()));
    details.put("sunAltitudeDeg", String.format(Locale.ROOT, "%.1f", sunAltitude));
    details.put("night", String.valueOf(tally.getNight()));
    details.put("coreZone", String.valueOf(core));

    Instant first = before == null || t.isBefore(before.getFirstSeen()) ? t : before.getFirstSeen();
    Instant last = before == null || t.isAfter(before.getLastSeen()) ? t : before.getLastSeen();
    String id = before != null ? before.getAlertId() : Alerts.id(camera, "intrusion", t);
    List<String> evidence = new ArrayList<>(List.of("event:" + camera + "/" + event.getEventId()));
    List<String> links = new ArrayList<>(before == null ? List.of() : before.getLinks());
    String animalId = before == null ? null : before.getAnimalId();
    if (s.nearestAnimal().isPresent()) {
      Fix f = s.nearestAnimal().get();
      evidence.add(Alerts.fixKey(f));
      String link = "animal:" + (f.getAnimalId() == null ? f.getCollarId() : f.getAnimalId());
      if (!links.contains(link)) {
        links.add(link);
      }
      animalId = animalId == null ? f.getAnimalId() : animalId;
      details.put(
          "nearestAnimalM",
          String.valueOf(
              Math.round(Countries.haversineM(s.lat(), s.lon(), f.getLat(), f.getLon()))));
    }
    int events = tally.getEvents();
    Alert alert =
        Alerts.open(id, AlertType.INTRUSION, severity, first, last, s.now())
            .setTitle(
                capitalize(String.join(" and ", tally.getClasses()))
                    + " at camera "
                    + camera
                    + " in "
                    + s.protectedZones().get(0).name()
                    + (night ? " at night" : "")
                    + (events > 1 ? " (" + events + " events)" : "")
                    + (animalId != null ? ", near " + animalId : ""))
            .setLat(s.lat())
            .setLon(s.lon())
            .setZones(s.zoneIds())
            .setChannels(Alerts.channels(s.zoneIds()))
            .setDeviceId(camera)
            .setAnimalId(animalId)
            .setEvidence(
                Alerts.appendCapped(before == null ? List.of() : before.getEvidence(), evidence))
            .setMedia(
                Alerts.appendCapped(
                    before == null ? List.of() : before.getMedia(), event.getMedia()))
            .setLinks(links)
            .setDetails(details)
            .build();

    if (olderThanBurst) {
      // An event older than the current burst gets its own incident but does not replace the burst.
      return new Decision(alert, null);
    }
    List<String> seen = new ArrayList<>(sameBurst ? state.getSeenEvents() : List.of());
    seen.add(event.getEventId());
    if (seen.size() > MAX_SEEN) {
      seen = new ArrayList<>(seen.subList(seen.size() - MAX_SEEN, seen.size()));
    }
    return new Decision(
        alert,
        CameraAlertState.newBuilder()
            .setCameraId(camera)
            .setBurst(alert)
            .setSeenEvents(seen)
            .setTally(tally)
            .build());
  }

  /** The burst's counts after one more event. */
  private static IntrusionTally counted(
      IntrusionTally before, List<Detection> found, boolean night) {
    Set<String> classes = new LinkedHashSet<>(before == null ? List.of() : before.getClasses());
    found.forEach(d -> classes.add(label(d)));
    double confidence = found.stream().mapToDouble(Detection::getConfidence).max().orElse(0);
    return IntrusionTally.newBuilder()
        .setEvents((before == null ? 0 : before.getEvents()) + 1)
        .setClasses(List.copyOf(classes))
        .setMaxConfidence(
            before == null ? confidence : Math.max(before.getMaxConfidence(), confidence))
        .setNight(night || (before != null && before.getNight()))
        .build();
  }

  /**
   * The counts of a state with a burst; a state written before v3 kept them only in the burst's
   * details.
   */
  static IntrusionTally tallyOf(CameraAlertState state) {
    if (state.getTally() != null) {
      return state.getTally();
    }
    Map<String, String> d = state.getBurst().getDetails();
    List<String> classes =
        d.getOrDefault("classes", "").isEmpty() ? List.of() : List.of(d.get("classes").split(","));
    return IntrusionTally.newBuilder()
        .setEvents(Integer.parseInt(d.getOrDefault("events", "0")))
        .setClasses(classes)
        .setMaxConfidence(Double.parseDouble(d.getOrDefault("maxConfidence", "0")))
        .setNight(Boolean.parseBoolean(d.getOrDefault("night", "false")))
        .build();
  }

  static String label(Detection d) {
    return switch (d.getCategory()) {
      case PERSON -> "person";
      case VEHICLE -> "vehicle";
      default -> "dog";
    };
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}
