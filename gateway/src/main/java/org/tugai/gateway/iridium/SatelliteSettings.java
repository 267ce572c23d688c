package org.tugai.gateway.iridium;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;
import org.tugai.gateway.decode.SbdProfiles;

/**
 * The gateway's satellite inputs, each off unless its port is set: {@code gateway.directip.*} (the
 * Iridium gateway's DirectIP MO push), {@code gateway.rockblock.*} (an Iridium service provider's
 * HTTP webhook), and the payload profiles both decode with ({@code gateway.sbd.*}).
 */
public record SatelliteSettings(
    Optional<DirectIpSettings> directIp,
    Optional<WebhookSettings> rockBlock,
    SbdProfiles profiles) {

  /**
   * @param port {@code gateway.directip.port} (0: any free port, logged)
   * @param bind {@code gateway.directip.bind}
   * @param allowedPeers {@code gateway.directip.allowed-peers}: IP addresses the Iridium gateway
   *     connects from; empty: any
   * @param maxConnections {@code gateway.directip.max-connections}: messages handled at once
   * @param readTimeout {@code gateway.directip.read-timeout}: a connection silent this long is
   *     closed
   * @param confirmTimeout {@code gateway.directip.confirm-timeout}: how long a message waits for
   *     Kafka before its connection is closed unconfirmed (the Iridium gateway then delivers it
   *     again)
   */
  public record DirectIpSettings(
      int port,
      String bind,
      List<String> allowedPeers,
      int maxConnections,
      Duration readTimeout,
      Duration confirmTimeout) {}

  /**
   * @param port {@code gateway.rockblock.port} (0: any free port, logged)
   * @param bind {@code gateway.rockblock.bind}
   * @param secret {@code gateway.rockblock.secret}: the provider must send it (query {@code
   *     secret=} or header {@code X-Tugai-Secret}); at least 16 characters
   * @param confirmTimeout {@code gateway.rockblock.confirm-timeout}: how long a request waits for
   *     Kafka before a 503
   */
  public record WebhookSettings(int port, String bind, String secret, Duration confirmTimeout) {}

  public static SatelliteSettings from(Settings s) {
    Optional<DirectIpSettings> directIp = Optional.empty();
    if (s.optional("gateway.directip.port").isPresent()) {
      directIp =
          Optional.of(
              new DirectIpSettings(
                  s.integer("gateway.directip.port", 10_800, 0, 65_535),
                  s.string("gateway.directip.bind", "0.0.0.0"),
                  s.list("gateway.directip.allowed-peers", List.of()),
                  s.integer("gateway.directip.max-connections", 16, 1, 1_024),
                  s.duration(
                      "gateway.directip.read-timeout",
                      Duration.ofSeconds(30),
                      Duration.ofSeconds(1),
                      Duration.ofMinutes(10)),
                  s.duration(
                      "gateway.directip.confirm-timeout",
                      Duration.ofSeconds(60),
                      Duration.ofSeconds(1),
                      Duration.ofMinutes(30))));
    }
    Optional<WebhookSettings> rockBlock = Optional.empty();
    if (s.optional("gateway.rockblock.port").isPresent()) {
      String secret =
          s.optional("gateway.rockblock.secret")
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "gateway.rockblock.secret",
                          "missing while gateway.rockblock.port is set: "
                              + "without it anyone could post fixes"));
      if (secret.length() < 16) {
        throw new ConfigException(
            "gateway.rockblock.secret",
            "has " + secret.length() + " characters; at least 16 are needed");
      }
      rockBlock =
          Optional.of(
              new WebhookSettings(
                  s.integer("gateway.rockblock.port", 8_090, 0, 65_535),
                  s.string("gateway.rockblock.bind", "0.0.0.0"),
                  secret,
                  s.duration(
                      "gateway.rockblock.confirm-timeout",
                      Duration.ofSeconds(30),
                      Duration.ofSeconds(1),
                      Duration.ofMinutes(10))));
    }
    return new SatelliteSettings(directIp, rockBlock, SbdProfiles.from(s));
  }
}
