package org.tugai.gateway.registry;

import java.time.Instant;
import java.util.Optional;

/** What the gateway knows of deployed devices. */
public interface Deployments {

  /** When the device's first deployment began; empty for a device no deployment names. */
  Optional<Instant> firstDeployed(String deviceId);

  /** Knows no device: every device is unknown. */
  Deployments NONE = deviceId -> Optional.empty();
}
