package org.tugai.streams.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.AlertType;
import org.tugai.avro.Fix;
import org.tugai.avro.Severity;
import org.tugai.schemas.text.StorableText;

/** Small pieces every rule needs: ids, evidence keys, severity steps, change detection. */
public final class Alerts {

  /**
   * Evidence and media lists keep the newest this many: one long burst must not grow a record
   * without bound.
   */
  public static final int MAX_EVIDENCE = 50;

  private Alerts() {}

  /**
   * An alert id: device, rule, and the event time the incident began, joined by '|'. Stable for the
   * life of the incident, and usable as an MQTT topic level (no '/', '+' or '#').
   */
  public static String id(String deviceId, String rule, Instant start) {
    return clean(deviceId) + "|" + rule + "|" + start.toEpochMilli();
  }

  public static String clean(String part) {
    return part.replaceAll("[/+#\\s]", "_");
  }

  public static String fixKey(Fix fix) {
    return fixKey(fix.getCollarId(), fix.getFixTime());
  }

  public static String fixKey(String collarId, Instant fixTime) {
    return "fix:" + collarId + "@" + fixTime;
  }

  public static Severity raise(Severity s, int steps) {
    Severity[] all = Severity.values();
    return all[Math.max(0, Math.min(all.length - 1, s.ordinal() + steps))];
  }

  public static Severity max(Severity a, Severity b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /** A fresh alert with the common fields; rules add the rest. */
  public static Alert.Builder open(
      String id,
      AlertType type,
      Severity severity,
      Instant firstSeen,
      Instant lastSeen,
      Instant now) {
    return Alert.newBuilder()
        .setAlertId(id)
        .setType(type)
        .setSeverity(severity)
        .setStatus(AlertStatus.OPEN)
        .setFirstSeen(firstSeen)
        .setLastSeen(lastSeen)
        .setUpdatedAt(now);
  }

  /** The incident is over: same id, status resolved, with why. */
  public static Alert resolved(Alert open, String why, Instant lastSeen, Instant now) {
    return Alert.newBuilder(open)
        .setStatus(AlertStatus.RESOLVED)
        .setTitle(open.getTitle() + ": " + why)
        .setLastSeen(lastSeen.isAfter(open.getLastSeen()) ? lastSeen : open.getLastSeen())
        .setUpdatedAt(now)
        .build();
  }

  /** True when the two differ in anything but the time of the update. */
  public static boolean changed(Alert before, Alert after) {
    if (before == null) {
      return after != null;
    }
    return !Alert.newBuilder(before)
        .setUpdatedAt(Instant.EPOCH)
        .build()
        .equals(Alert.newBuilder(after).setUpdatedAt(Instant.EPOCH).build());
  }

  /** The newest {@link #MAX_EVIDENCE} of the union, in order of arrival. */
  public static List<String> appendCapped(List<String> existing, List<String> added) {
    LinkedHashSet<String> all = new LinkedHashSet<>(existing);
    all.addAll(added);
    List<String> list = new ArrayList<>(all);
    return list.size() <= MAX_EVIDENCE
        ? list
        : new ArrayList<>(list.subList(list.size() - MAX_EVIDENCE, list.size()));
  }

  /**
   * The alert with every text the store cannot hold (a NUL from a device's species or media name,
   * say) replaced: the lifecycle sends only what PostgreSQL accepts, so no update can freeze the
   * alert there.
   */
  public static Alert storable(Alert a) {
    Alert.Builder b =
        Alert.newBuilder(a)
            .setTitle(StorableText.clean(a.getTitle()))
            .setAlertId(StorableText.clean(a.getAlertId()))
            .setZones(cleanAll(a.getZones()))
            .setEvidence(cleanAll(a.getEvidence()))
            .setMedia(cleanAll(a.getMedia()))
            .setChannels(cleanAll(a.getChannels()))
            .setLinks(cleanAll(a.getLinks()))
            .setAnimalId(StorableText.clean(a.getAnimalId()))
            .setDeviceId(StorableText.clean(a.getDeviceId()))
            .setAcknowledgedBy(StorableText.clean(a.getAcknowledgedBy()))
            .setNote(StorableText.clean(a.getNote()))
            .setAcknowledgedVia(StorableText.clean(a.getAcknowledgedVia()))
            .setAckId(StorableText.clean(a.getAckId()));
    Map<String, String> details = new LinkedHashMap<>();
    a.getDetails().forEach((k, v) -> details.put(StorableText.clean(k), StorableText.clean(v)));
    return b.setDetails(details).build();
  }

  private static List<String> cleanAll(List<String> texts) {
    return texts.stream().map(StorableText::clean).toList();
  }

  /** Channels of an alert: the zones it lies in; rangers subscribe per zone. */
  public static List<String> channels(List<String> zones) {
    return zones.stream().map(Alerts::clean).distinct().toList();
  }
}
