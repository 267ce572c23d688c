package org.tugai.streams.alert;

import java.time.Duration;
import org.tugai.core.config.Settings;

/**
 * The thresholds of the alert rules that may differ by species and by zone. Each is a key below
 * {@code alerts.}; an override below {@code alerts.by-species.{scientific name}.} or {@code
 * alerts.by-zone.{zone id}.} sets only the keys it names and inherits the rest.
 *
 * @param intrusionMinConfidence {@code intrusion.min-confidence}: detector confidence (0..1) from
 *     which a person, vehicle or dog counts
 * @param intrusionBurstWindow {@code intrusion.burst-window}: detections of one camera less than
 *     this apart are one incident
 * @param nightSunAltitudeDeg {@code intrusion.night-sun-altitude-deg}: it is night when the sun is
 *     below this altitude at the camera (civil dusk: -6)
 * @param immobilityRadiusM {@code immobility.radius-m}: radius around the still fixes' centre (13
 *     m)
 * @param immobilityShare {@code immobility.share}: share of the still fixes that must lie within
 *     the radius (0.8)
 * @param immobilityMinFixes {@code immobility.min-fixes}: fewer good still fixes decide nothing
 * @param immobilityCriticalAfter {@code immobility.critical-after}: still this long is possible
 *     mortality, critical (10 h: longer than a resting animal stays within the radius, see README)
 * @param immobilityInactiveAfter {@code immobility.inactive-after}: still this long with the
 *     activity sensor reporting no activity on the still fixes is possible mortality too (6 h)
 * @param immobilityInactiveMaxActivity {@code immobility.inactive-max-activity}: activity readings
 *     at or below this count as no activity (0; the units are the collar's own)
 * @param immobilityResolveDistanceM {@code immobility.resolve-distance-m}: an open incident
 *     resolves only when two consecutive good fixes lie this far from it (50 m), so GPS scatter
 *     around a carcass never flaps it
 * @param transportMinSegments {@code transport.min-segments}: consecutive too-fast steps between
 *     good fixes (one spike makes two)
 * @param transportMinSpeedKmh {@code transport.min-speed-kmh}: speed that counts as too fast; 0
 *     takes the species' maximum ({@code streams.max-speed-kmh*})
 * @param transportMinStepM {@code transport.min-step-m}: shorter steps are GPS noise, never
 *     transport
 * @param silenceFactor {@code silence.factor}: silent for this many expected intervals raises the
 *     alert
 * @param silenceMinSamples {@code silence.min-samples}: upload gaps needed before a learned
 *     interval is trusted
 * @param lowBatteryV {@code low-battery.volts}: a battery below this voltage is a warning
 * @param geofenceDwell {@code geofence.dwell}: time inside farmland or a hazard zone (or outside
 *     again) before it counts
 * @param geofenceMinFixes {@code geofence.min-fixes}: consecutive good fixes inside (or outside)
 *     before it counts
 * @param escalationDistanceM {@code escalation.distance-m}: a collared animal this close to a
 *     person or vehicle detection escalates it
 * @param escalationWindow {@code escalation.window}: ... if its latest fix is at most this far in
 *     time from the detection
 */
public record AlertParams(
    double intrusionMinConfidence,
    Duration intrusionBurstWindow,
    double nightSunAltitudeDeg,
    double immobilityRadiusM,
    double immobilityShare,
    int immobilityMinFixes,
    Duration immobilityCriticalAfter,
    Duration immobilityInactiveAfter,
    int immobilityInactiveMaxActivity,
    double immobilityResolveDistanceM,
    int transportMinSegments,
    double transportMinSpeedKmh,
    double transportMinStepM,
    double silenceFactor,
    int silenceMinSamples,
    double lowBatteryV,
    Duration geofenceDwell,
    int geofenceMinFixes,
    double escalationDistanceM,
    Duration escalationWindow) {

  public static AlertParams defaults() {
    return new AlertParams(
        0.5,
        Duration.ofMinutes(10),
        -6,
        13,
        0.9,
        3,
        Duration.ofHours(10),
        Duration.ofHours(6),
        0,
        50,
        3,
        0,
        200,
        3,
        3,
        3.4,
        Duration.ofMinutes(30),
        2,
        2_000,
        Duration.ofHours(2));
  }

  /** The keys below {@code prefix}, each defaulting to {@code base}. */
  public static AlertParams from(Settings s, String prefix, AlertParams base) {
    return new AlertParams(
        s.decimal(prefix + "intrusion.min-confidence", base.intrusionMinConfidence, 0, 1),
        s.duration(
            prefix + "intrusion.burst-window",
            base.intrusionBurstWindow,
            Duration.ofSeconds(1),
            Duration.ofDays(1)),
        s.decimal(prefix + "intrusion.night-sun-altitude-deg", base.nightSunAltitudeDeg, -90, 90),
        s.decimal(prefix + "immobility.radius-m", base.immobilityRadiusM, 1, 100_000),
        s.decimal(prefix + "immobility.share", base.immobilityShare, 0.01, 1),
        s.integer(prefix + "immobility.min-fixes", base.immobilityMinFixes, 2, 10_000),
        s.duration(
            prefix + "immobility.critical-after",
            base.immobilityCriticalAfter,
            Duration.ofMinutes(10),
            Duration.ofDays(3)),
        s.duration(
            prefix + "immobility.inactive-after",
            base.immobilityInactiveAfter,
            Duration.ofMinutes(10),
            Duration.ofDays(3)),
        s.integer(
            prefix + "immobility.inactive-max-activity",
            base.immobilityInactiveMaxActivity,
            0,
            Integer.MAX_VALUE),
        s.decimal(
            prefix + "immobility.resolve-distance-m", base.immobilityResolveDistanceM, 1, 100_000),
        s.integer(prefix + "transport.min-segments", base.transportMinSegments, 2, 1_000),
        s.decimal(prefix + "transport.min-speed-kmh", base.transportMinSpeedKmh, 0, 1_000),
        s.decimal(prefix + "transport.min-step-m", base.transportMinStepM, 0, 100_000),
        s.decimal(prefix + "silence.factor", base.silenceFactor, 1, 1_000),
        s.integer(prefix + "silence.min-samples", base.silenceMinSamples, 1, 1_000),
        s.decimal(prefix + "low-battery.volts", base.lowBatteryV, 0, 100),
        s.duration(
            prefix + "geofence.dwell", base.geofenceDwell, Duration.ZERO, Duration.ofDays(7)),
        s.integer(prefix + "geofence.min-fixes", base.geofenceMinFixes, 1, 1_000),
        s.decimal(prefix + "escalation.distance-m", base.escalationDistanceM, 0, 1_000_000),
        s.duration(
            prefix + "escalation.window",
            base.escalationWindow,
            Duration.ZERO,
            Duration.ofDays(7)));
  }
}
