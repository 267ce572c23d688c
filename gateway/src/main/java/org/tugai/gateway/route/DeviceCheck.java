package org.tugai.gateway.route;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Fix;
import org.tugai.gateway.decode.Decoded;
import org.tugai.gateway.decode.Rejection;
import org.tugai.gateway.registry.Deployments;
import org.tugai.schemas.FixFlags;
import org.tugai.schemas.ReasonCodes;

/**
 * Checks decoded records against the deployments: a device no deployment names is accepted,
 * accepted and flagged ({@code unknown-device}), or rejected, as configured; a record from before
 * the device's first deployment is rejected (a collar still in the lab, or a clock far off).
 */
public final class DeviceCheck {

  /** What to do with a device no deployment names. */
  public enum UnknownDevices {
    ACCEPT,
    FLAG,
    REJECT
  }

  private final Deployments deployments;
  private final UnknownDevices unknown;

  public DeviceCheck(Deployments deployments, UnknownDevices unknown) {
    this.deployments = deployments;
    this.unknown = unknown;
  }

  /**
   * @param payload the message as received: what a dead letter keeps
   */
  Decoded<Fix> fixes(Decoded<Fix> decoded, byte[] payload) {
    List<Fix> ok = new ArrayList<>();
    List<Decoded.Part> rejected = new ArrayList<>(decoded.rejected());
    for (Fix fix : decoded.records()) {
      Optional<Rejection> problem = check(fix.getCollarId(), fix.getFixTime(), "fixTime");
      if (problem.isPresent()) {
        rejected.add(new Decoded.Part(payload, fix.getCollarId(), problem.get()));
      } else if (unknown == UnknownDevices.FLAG
          && deployments.firstDeployed(fix.getCollarId()).isEmpty()) {
        List<String> flags = new ArrayList<>(fix.getQualityFlags());
        flags.add(FixFlags.UNKNOWN_DEVICE);
        ok.add(Fix.newBuilder(fix).setQualityFlags(flags).build());
      } else {
        ok.add(fix);
      }
    }
    return new Decoded<>(ok, rejected);
  }

  Decoded<CameraEvent> events(Decoded<CameraEvent> decoded, byte[] payload) {
    List<CameraEvent> ok = new ArrayList<>();
    List<Decoded.Part> rejected = new ArrayList<>(decoded.rejected());
    for (CameraEvent event : decoded.records()) {
      Optional<Rejection> problem = check(event.getCameraId(), event.getCapturedAt(), "capturedAt");
      if (problem.isPresent()) {
        rejected.add(new Decoded.Part(payload, event.getCameraId(), problem.get()));
      } else {
        ok.add(event);
      }
    }
    return new Decoded<>(ok, rejected);
  }

  private Optional<Rejection> check(String deviceId, Instant time, String field) {
    Optional<Instant> first = deployments.firstDeployed(deviceId);
    if (first.isEmpty()) {
      return unknown == UnknownDevices.REJECT
          ? Optional.of(
              new Rejection(
                  ReasonCodes.UNKNOWN_DEVICE,
                  "device '"
                      + deviceId
                      + "' is in no deployment (gateway.unknown-devices is reject)"))
          : Optional.empty();
    }
    if (time.isBefore(first.get())) {
      return Optional.of(
          new Rejection(
              ReasonCodes.BEFORE_DEPLOYMENT,
              field
                  + " "
                  + time
                  + " is before device '"
                  + deviceId
                  + "' was first deployed ("
                  + first.get()
                  + ")"));
    }
    return Optional.empty();
  }
}
