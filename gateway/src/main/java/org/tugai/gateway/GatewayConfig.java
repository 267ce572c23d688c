package org.tugai.gateway;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.config.Settings;
import org.tugai.gateway.alerts.AlertChannels;
import org.tugai.gateway.decode.LorawanProfiles;
import org.tugai.gateway.decode.MegaDetectorDecoder;
import org.tugai.gateway.files.FileSettings;
import org.tugai.gateway.iridium.SatelliteSettings;
import org.tugai.gateway.route.DeviceCheck;
import org.tugai.schemas.MqttTopics;

/**
 * Everything the gateway needs, validated at start-up.
 *
 * @param kafka Kafka connection ({@code kafka.*})
 * @param mqtt the MQTT broker devices publish to ({@code mqtt.*})
 * @param sourceName {@code gateway.source-name}: names this source in dead letters and records'
 *     {@code source}
 * @param clientId {@code gateway.client-id}: must stay the same across restarts, the persistent
 *     session hangs on it; by default {@code tugai-gateway-} and a digest of the MQTT credentials,
 *     so it cannot be read from the docs (see {@link #defaultClientId})
 * @param topics {@code gateway.topics}: MQTT topic filters to subscribe to
 * @param sharedGroup {@code gateway.shared-group}: when set, subscribe as {@code
 *     $share/{group}/...} so gateways split the load
 * @param sessionExpiry {@code gateway.session-expiry}: how long the broker keeps messages for an
 *     absent gateway
 * @param receiveMaximum {@code gateway.receive-maximum}: unacknowledged messages the broker may
 *     send at once
 * @param maxPayloadBytes {@code gateway.max-payload-bytes}: larger payloads become (truncated) dead
 *     letters
 * @param maxFutureSkew {@code gateway.max-future-skew}: event times further ahead than this are
 *     rejected
 * @param earliestTime {@code gateway.earliest-time}: event times before this are rejected
 * @param retryBackoff {@code gateway.retry-backoff}: first pause before resending a record Kafka
 *     did not take
 * @param connectTimeout {@code gateway.connect-timeout}: how long start-up waits for the MQTT
 *     broker
 * @param extraSources {@code gateway.sources.{name}.*}: further MQTT brokers (url, username,
 *     password, ca-file, topics, client-id)
 * @param lorawan {@code gateway.lorawan.*}: device profiles for LoRaWAN uplinks
 * @param alertsOut {@code gateway.alerts-out}: publish {@code tugai.alerts.v1} to {@code
 *     tugai/v1/alerts/{zone}} on the mqtt.* broker
 * @param alertsMqtt the broker connection of that relay: {@code mqtt.*}, with {@code
 *     gateway.alerts-username} and {@code gateway.alerts-password} instead of the source's
 *     credentials when set (a broker that binds client ids to user names needs one user per
 *     connection)
 * @param alertsGroupId {@code gateway.alerts-group-id}: consumer group of that relay (gateways
 *     share the work)
 * @param unknownDevices {@code gateway.unknown-devices}: accept, flag (accept with quality flag
 *     unknown-device) or reject
 * @param alertChannels {@code alerts.channels.*}, {@code alerts.location-grid-deg}, {@code
 *     alerts.webhook.*}: precision and webhooks per channel
 * @param satellite {@code gateway.directip.*}, {@code gateway.rockblock.*}, {@code gateway.sbd.*}:
 *     Iridium inputs, off unless a port is set
 * @param files {@code gateway.inbox.*}, {@code gateway.imap.*}: vendors' files from a folder and
 *     from e-mail, off unless set
 * @param megaDetectorMinConfidence {@code gateway.megadetector.min-confidence}: MegaDetector
 *     detections below it are dropped (default 0.2, MegaDetector v5's own recommendation; its files
 *     hold detections down to 0.005)
 */
public record GatewayConfig(
    KafkaSettings kafka,
    MqttSettings mqtt,
    String sourceName,
    String clientId,
    List<String> topics,
    Optional<String> sharedGroup,
    Duration sessionExpiry,
    int receiveMaximum,
    int maxPayloadBytes,
    Duration maxFutureSkew,
    Instant earliestTime,
    Duration retryBackoff,
    Duration connectTimeout,
    List<Source> extraSources,
    LorawanProfiles lorawan,
    boolean alertsOut,
    MqttSettings alertsMqtt,
    String alertsGroupId,
    DeviceCheck.UnknownDevices unknownDevices,
    AlertChannels alertChannels,
    SatelliteSettings satellite,
    FileSettings files,
    double megaDetectorMinConfidence) {

  public static final List<String> DEFAULT_TOPICS =
      List.of(
          MqttTopics.COLLAR_FIXES,
          MqttTopics.CAMERA_DETECTIONS,
          MqttTopics.MEGADETECTOR,
          MqttTopics.ACKS);

  /**
   * One MQTT broker the gateway takes messages from, with its own credentials and topic filters.
   *
   * @param name names the source in records and dead letters
   * @param mqtt broker, credentials, TLS trust
   * @param topics topic filters (without any {@code $share/} prefix)
   * @param clientId MQTT client id: stable, the persistent session hangs on it
   */
  public record Source(String name, MqttSettings mqtt, List<String> topics, String clientId) {}

  public static GatewayConfig from(Settings s) {
    List<String> topics = topics(s, "gateway.topics", DEFAULT_TOPICS);
    Optional<String> group = s.optional("gateway.shared-group");
    if (group.isPresent() && !group.get().matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException(
          "gateway.shared-group",
          "'" + group.get() + "' may contain only letters, digits, '.', '_' and '-'");
    }
    String earliest = s.string("gateway.earliest-time", "2000-01-01T00:00:00Z");
    Instant earliestTime;
    try {
      earliestTime = Instant.parse(earliest);
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          "gateway.earliest-time",
          "'" + earliest + "' is not an ISO-8601 instant like 2000-01-01T00:00:00Z");
    }
    MqttSettings mqtt = MqttSettings.from(s);
    String clientId = s.string("gateway.client-id", defaultClientId(mqtt));
    Optional<String> alertsUser = s.optional("gateway.alerts-username");
    Optional<String> alertsPassword = s.optional("gateway.alerts-password");
    if (alertsPassword.isPresent() && alertsUser.isEmpty()) {
      throw new ConfigException(
          "gateway.alerts-username", "missing while gateway.alerts-password is set");
    }
    MqttSettings alertsMqtt =
        alertsUser.isEmpty()
            ? mqtt
            : new MqttSettings(mqtt.url(), alertsUser, alertsPassword, mqtt.caFile());
    String sourceName = s.string("gateway.source-name", "local");
    List<Source> extra = new ArrayList<>();
    for (String name : s.names("gateway.sources.")) {
      String p = "gateway.sources." + name + ".";
      if (name.equals(sourceName)) {
        throw new ConfigException(
            p + "url",
            "source name '"
                + name
                + "' is already the name of the mqtt.* source (gateway.source-name)");
      }
      extra.add(
          new Source(
              name,
              MqttSettings.from(s, p),
              topics(s, p + "topics", null),
              s.string(p + "client-id", clientId + "-" + name)));
    }
    return new GatewayConfig(
        KafkaSettings.from(s),
        mqtt,
        sourceName,
        clientId,
        topics,
        group,
        s.duration(
            "gateway.session-expiry",
            Duration.ofDays(7),
            Duration.ofSeconds(1),
            Duration.ofSeconds(0xFFFF_FFFEL)),
        s.integer("gateway.receive-maximum", 1_000, 1, 65_535),
        s.integer("gateway.max-payload-bytes", 256 * 1024, 1_024, 900 * 1024),
        s.duration(
            "gateway.max-future-skew", Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(365)),
        earliestTime,
        s.duration(
            "gateway.retry-backoff",
            Duration.ofMillis(500),
            Duration.ofMillis(10),
            Duration.ofMinutes(5)),
        s.duration(
            "gateway.connect-timeout",
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10)),
        List.copyOf(extra),
        LorawanProfiles.from(s),
        s.bool("gateway.alerts-out", true),
        alertsMqtt,
        s.string("gateway.alerts-group-id", "tugai-gateway-alerts"),
        DeviceCheck.UnknownDevices.valueOf(
            s.choice("gateway.unknown-devices", "flag", List.of("accept", "flag", "reject"))
                .toUpperCase(Locale.ROOT)),
        AlertChannels.from(s),
        SatelliteSettings.from(s),
        FileSettings.from(s),
        s.decimal(
            "gateway.megadetector.min-confidence",
            MegaDetectorDecoder.DEFAULT_MIN_CONFIDENCE,
            0,
            1));
  }

  /**
   * {@code tugai-gateway}, and when the broker wants a password, a digest of the user and password
   * after it: a device that reads the docs cannot name the gateway's session, on a broker that does
   * not bind client ids to users either.
   */
  static String defaultClientId(MqttSettings mqtt) {
    if (mqtt.password().isEmpty()) {
      return "tugai-gateway";
    }
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  ("tugai-gateway-client-id\n"
                          + mqtt.username().orElse("")
                          + "\n"
                          + mqtt.password().get())
                      .getBytes(StandardCharsets.UTF_8));
      return "tugai-gateway-" + java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static List<String> topics(Settings s, String key, List<String> defaults) {
    List<String> topics = defaults == null ? s.list(key, List.of()) : s.list(key, defaults);
    if (topics.isEmpty()) {
      throw new ConfigException(key, "must name at least one MQTT topic filter");
    }
    for (String t : topics) {
      if (t.startsWith("$share/")) {
        throw new ConfigException(
            key, "'" + t + "': set gateway.shared-group instead of writing $share/ filters");
      }
    }
    return topics;
  }

  /** Every source: the {@code mqtt.*} one first, then {@code gateway.sources.*}. */
  public List<Source> sources() {
    List<Source> all = new ArrayList<>();
    all.add(new Source(sourceName, mqtt, topics, clientId));
    all.addAll(extraSources);
    return all;
  }

  /**
   * A source's filters as subscribed: prefixed with {@code $share/{group}/} when a shared group is
   * set.
   */
  public List<String> subscriptionFilters(Source source) {
    return sharedGroup
        .map(g -> source.topics().stream().map(t -> "$share/" + g + "/" + t).toList())
        .orElse(source.topics());
  }
}
