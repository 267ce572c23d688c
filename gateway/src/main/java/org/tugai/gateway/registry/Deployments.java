package org.tugai.gateway.registry;

import java.time.Instant;
import java.util.Optional;

/** What the gateway knows of deployed devices. */
@FunctionalInterface
public interface Deployments {

  /** When the device's first deployment began; empty for a device no deployment names. */
  Optional<Instant> firstDeployed(String deviceId);

  /**
   * The collar whose deployment names this Iridium modem: the deployment running at {@code at},
   * else the one that began last before it (a collar re-deployed keeps its modem), else the
   * earliest after it, else none.
   */
  default Optional<SatelliteModem> modem(String imei, Instant at) {
    return Optional.empty();
  }

  /**
   * A collar reporting through an Iridium modem, and the payload profile its messages are decoded
   * with (empty: the default).
   */
  record SatelliteModem(String deviceId, Optional<String> payloadProfile) {}

  /** Knows no device: every device is unknown. */
  Deployments NONE = deviceId -> Optional.empty();
}
