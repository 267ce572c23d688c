package org.tugai.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.geo.Countries;
import org.tugai.streams.alert.AlertsConfig;
import org.tugai.streams.errors.DeadLetterDeserializationHandler;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.track.TrackParams;

/**
 * Everything the streams service needs, validated at start-up.
 *
 * @param kafka Kafka connection ({@code kafka.*})
 * @param applicationId {@code streams.application-id}: consumer group and state-store prefix;
 *     instances with the same id share the work
 * @param stateDir {@code streams.state-dir}: local RocksDB state (rebuilt from changelogs when
 *     lost)
 * @param processingGuarantee {@code streams.processing-guarantee}: exactly_once_v2 (default) or
 *     at_least_once. The processors pass on only what changed (the dedupe drops a key it has seen,
 *     the track re-emits only revised fixes), judged by their stores; at least once, a crash or a
 *     rebalance after a store's changelog was written but before the output was can replay an input
 *     into a store that has already seen it, and the output is never sent (the soak lost fixes so).
 *     Exactly once commits stores, outputs and offsets together.
 * @param commitInterval {@code streams.commit-interval}: how often progress is committed (latency
 *     versus throughput; default 100 ms exactly once, where output waits for the commit, 1 s at
 *     least once)
 * @param threads {@code streams.threads}: stream threads in this instance (default: one per core,
 *     at most 8)
 * @param dedupeRetention {@code streams.dedupe-retention}: how long after it arrived (wall-clock
 *     time) a (collarId, fixTime) key is remembered, whatever the fix's own age
 * @param countriesFile {@code streams.countries-file}: GeoJSON of countries with an iso_a3 property
 *     ({@code classpath:} for shipped)
 * @param zoneFiles {@code streams.zone-files}: GeoJSON layers of zones with id, name and type
 *     properties
 * @param track {@code streams.grace}, {@code streams.max-speed-kmh}, ..., {@code
 *     streams.crossing.*}: see {@link TrackParams}
 * @param instanceId {@code streams.instance-id}: this instance's static group member name (default:
 *     host and state directory)
 * @param linger {@code streams.linger}: how long the producer waits to fill a batch (Kafka Streams'
 *     own default, 100 ms, is paid once per hop; alerts take two hops)
 * @param alerts {@code alerts.*}: the alert rules, see {@link AlertsConfig}
 */
public record StreamsServiceConfig(
    KafkaSettings kafka,
    String applicationId,
    Path stateDir,
    String processingGuarantee,
    Duration commitInterval,
    int threads,
    Duration dedupeRetention,
    String countriesFile,
    List<String> zoneFiles,
    TrackParams track,
    Duration linger,
    AlertsConfig alerts,
    String instanceId) {

  public static StreamsServiceConfig from(Settings s) {
    String guarantee =
        s.choice(
            "streams.processing-guarantee",
            "exactly_once_v2",
            List.of("at_least_once", "exactly_once_v2"));
    // Exactly once, output is visible at the commit: Kafka Streams' own 100 ms keeps an alert's two
    // hops fast.
    Duration commitDefault =
        guarantee.equals("exactly_once_v2") ? Duration.ofMillis(100) : Duration.ofSeconds(1);
    return new StreamsServiceConfig(
        KafkaSettings.from(s),
        s.string("streams.application-id", "tugai-streams"),
        Path.of(
            s.string(
                "streams.state-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "tugai-streams").toString())),
        guarantee,
        s.duration(
            "streams.commit-interval",
            commitDefault,
            Duration.ofMillis(10),
            Duration.ofMinutes(10)),
        // One stream thread per core: the track and the alert rules are separate tasks, so they can
        // use them all.
        s.integer(
            "streams.threads", Math.min(8, Runtime.getRuntime().availableProcessors()), 1, 64),
        s.duration(
            "streams.dedupe-retention",
            Duration.ofDays(7),
            Duration.ofHours(1),
            Duration.ofDays(365)),
        s.string("streams.countries-file", Countries.SHIPPED),
        s.list("streams.zone-files", List.of(Geodata.SHIPPED_ZONES)),
        track(s),
        s.duration("streams.linger", Duration.ofMillis(5), Duration.ZERO, Duration.ofSeconds(10)),
        AlertsConfig.from(s),
        s.optional("streams.instance-id").orElse(null));
  }

  private static TrackParams track(Settings s) {
    TrackParams d = TrackParams.defaults();
    Map<String, Double> bySpecies = new LinkedHashMap<>();
    s.group("streams.max-speed-kmh-by-species.")
        .forEach(
            (species, kmh) -> {
              try {
                bySpecies.put(species, Double.parseDouble(kmh));
              } catch (NumberFormatException e) {
                throw new ConfigException(
                    "streams.max-speed-kmh-by-species." + species, "'" + kmh + "' is not a number");
              }
            });
    Map<String, Duration> graceByChannel = new LinkedHashMap<>();
    for (String channel : s.group("streams.grace-by-channel.").keySet()) {
      graceByChannel.put(
          channel,
          s.duration(
              "streams.grace-by-channel." + channel,
              d.grace(),
              Duration.ofMinutes(1),
              Duration.ofDays(60)));
    }
    String minClass =
        s.string("streams.min-location-class", d.minLocationClass())
            .trim()
            .toUpperCase(Locale.ROOT);
    if (!TrackParams.LOCATION_CLASSES.subList(0, 6).contains(minClass)) {
      throw new ConfigException(
          "streams.min-location-class",
          "'"
              + minClass
              + "' is not one of "
              + TrackParams.LOCATION_CLASSES.subList(0, 6)
              + " (B and Z never count)");
    }
    return new TrackParams(
        s.duration("streams.grace", d.grace(), Duration.ofMinutes(1), Duration.ofDays(60)),
        graceByChannel,
        s.decimal("streams.max-speed-kmh", d.maxSpeedKmh(), 1, 1_000),
        bySpecies,
        s.decimal("streams.min-outlier-displacement-m", d.minOutlierDisplacementM(), 0, 100_000),
        s.decimal("streams.max-hdop", d.maxHdop(), 0, 100),
        s.integer("streams.min-satellites", d.minSatellites(), 0, 64),
        s.bool("streams.flag-2d", d.flagTwoD()),
        minClass,
        s.decimal("streams.max-error-radius-m", d.maxErrorRadiusM(), 1, 1_000_000),
        s.decimal("streams.crossing.confirm-distance-m", d.confirmDistanceM(), 0, 1_000_000),
        s.integer("streams.crossing.confirm-fixes", d.confirmFixes(), 1, 1_000),
        s.duration(
            "streams.crossing.confirm-dwell",
            d.confirmDwell(),
            Duration.ZERO,
            Duration.ofDays(60)));
  }

  /** Loads the layers; a missing or broken file is a configuration error naming its key. */
  public Geodata geodata() {
    try {
      return Geodata.load(countriesFile, zoneFiles);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new ConfigException(
          e.getMessage() != null && e.getMessage().contains(countriesFile)
              ? "streams.countries-file"
              : "streams.zone-files",
          e.getMessage());
    }
  }

  /**
   * This instance's member name in the group: {@code streams.instance-id}, else the host name and
   * the state directory, which Kafka Streams locks, so two instances on one host never share a name
   * while a restarted instance keeps its own.
   */
  public String groupInstanceId() {
    if (instanceId != null) {
      return instanceId;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
    String dir = stateDir.toAbsolutePath().normalize().toString();
    return host
        + "-"
        + Integer.toHexString(dir.hashCode())
        + "-"
        + kafka.topicPrefix()
        + applicationId;
  }

  public Properties streamsProperties(String deadLetterTopic) {
    Properties p = new Properties();
    Map<String, Object> client = kafka.clientConfig();
    p.putAll(client);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.topicPrefix() + applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    if (kafka.replicationFactor() > 0) {
      p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
    }
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    // Opt in now to what Kafka 5.0 makes the default, instead of a warning on every start.
    p.put("processing.exception.handler.global.enabled", true);
    p.put(DeadLetterDeserializationHandler.TOPIC_CONFIG, deadLetterTopic);
    p.put(StreamsConfig.producerPrefix("acks"), "all");
    p.put(StreamsConfig.producerPrefix("linger.ms"), (int) linger.toMillis());
    // Static membership: an instance restarted after a crash takes its tasks back at once instead
    // of waiting out the session timeout of the member it replaces (Kafka Streams adds the thread
    // number).
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
        groupInstanceId());
    return p;
  }
}
