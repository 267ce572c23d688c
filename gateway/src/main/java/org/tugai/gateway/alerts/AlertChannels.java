package org.tugai.gateway.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;

/**
 * How alerts reach each channel (a zone id, a country code, or {@code all} for every alert):
 * whether it gets precise coordinates, and the webhook it is also posted to. Poachers read leaked
 * messages too, so channels get the location rounded to a grid unless configured precise.
 *
 * @param gridDeg {@code alerts.location-grid-deg}: grid in degrees that locations are rounded to on
 *     channels not precise
 * @param channels {@code alerts.channels.{id}.precise}, {@code .webhook-url}, {@code
 *     .webhook-secret-header}, {@code .webhook-secret}
 * @param webhookAttempts {@code alerts.webhook.attempts}: tries per alert before it goes to the
 *     dead letters
 * @param webhookBackoff {@code alerts.webhook.backoff}: pause after the first failed try, doubling
 *     after each
 * @param webhookTimeout {@code alerts.webhook.timeout}: how long one POST may take
 * @param webhookOutage {@code alerts.webhook.outage}: how long a receiver that does not answer at
 *     all (down, unreachable, a proxy's 502/503/504) is waited for, its alert tried again and
 *     again, before alerts go to the dead letters
 */
public record AlertChannels(
    double gridDeg,
    Map<String, Channel> channels,
    int webhookAttempts,
    Duration webhookBackoff,
    Duration webhookTimeout,
    Duration webhookOutage) {

  /** Channel id that receives every alert, whatever its own channels. */
  public static final String ALL = "all";

  /**
   * @param id channel id
   * @param precise send coordinates as they are
   * @param webhook where to POST alerts of this channel, if anywhere
   * @param secretHeader header carrying the secret
   * @param secret shared secret the receiver checks
   */
  public record Channel(
      String id,
      boolean precise,
      Optional<URI> webhook,
      String secretHeader,
      Optional<String> secret) {}

  public static AlertChannels from(Settings s) {
    Map<String, Channel> channels = new LinkedHashMap<>();
    for (String id : s.names("alerts.channels.")) {
      String p = "alerts.channels." + id + ".";
      Optional<URI> webhook =
          s.optional(p + "webhook-url")
              .map(
                  u -> {
                    try {
                      URI uri = URI.create(u);
                      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        throw new ConfigException(
                            p + "webhook-url", "'" + u + "' is not an http:// or https:// URL");
                      }
                      return uri;
                    } catch (IllegalArgumentException e) {
                      throw new ConfigException(
                          p + "webhook-url", "'" + u + "' is not a URL: " + e.getMessage());
                    }
                  });
      String header = s.string(p + "webhook-secret-header", "X-Tugai-Secret");
      if (!header.matches("[A-Za-z0-9-]+")) {
        throw new ConfigException(
            p + "webhook-secret-header", "'" + header + "' is not an HTTP header name");
      }
      channels.put(
          id,
          new Channel(
              id, s.bool(p + "precise", false), webhook, header, s.optional(p + "webhook-secret")));
    }
    return new AlertChannels(
        s.decimal("alerts.location-grid-deg", 0.01, 0.0001, 10),
        Map.copyOf(channels),
        s.integer("alerts.webhook.attempts", 6, 1, 100),
        s.duration(
            "alerts.webhook.backoff",
            Duration.ofMillis(500),
            Duration.ofMillis(1),
            Duration.ofMinutes(5)),
        s.duration(
            "alerts.webhook.timeout",
            Duration.ofSeconds(5),
            Duration.ofMillis(10),
            Duration.ofMinutes(5)),
        s.duration(
            "alerts.webhook.outage", Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(1)));
  }

  /**
   * The grid locations are rounded to on this channel: 0 (exact) where it is configured precise.
   */
  public double gridDeg(String channel) {
    Channel c = channels.get(channel);
    return c != null && c.precise() ? 0 : gridDeg;
  }

  public List<Channel> webhooks() {
    return channels.values().stream().filter(c -> c.webhook().isPresent()).toList();
  }
}
