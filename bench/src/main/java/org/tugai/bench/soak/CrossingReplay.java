package org.tugai.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.tugai.avro.Crossing;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.PollLoop;
import org.tugai.schemas.Topics;
import org.tugai.streams.FixTopology;
import org.tugai.streams.StreamsServiceConfig;
import org.tugai.streams.geo.Geodata;

/**
 * The verifier's crossing check: the raw fixes topic, as the streams instances read it (each
 * partition in offset order, through faults, kills and the gateway's re-sends), replayed into a
 * fresh track topology of the same configuration, one test driver per partition as one task per
 * partition ran it; the latest revision of each crossing it yields must be the row the store holds,
 * field for field.
 */
final class CrossingReplay {

  /** One crossing as the store keeps it: what a revision says, not when it was stored. */
  record Row(
      String id,
      String status,
      int revision,
      String from,
      String to,
      Instant crossedAt,
      Instant before,
      Instant after) {
    @Override
    public String toString() {
      return id + " " + status + " r" + revision + " " + from + "->" + to + " at " + crossedAt;
    }
  }

  /**
   * @param differences the crossings that differ or are only on one side, as "store: ... / replay:
   *     ..."
   */
  record Result(int stored, int replayed, List<String> differences) {}

  private CrossingReplay() {}

  static Result compare(
      String bootstrap,
      Topics topics,
      String dbUrl,
      String dbUser,
      String collarPrefix,
      Path workDir)
      throws Exception {
    Map<String, Row> replayed = replay(bootstrap, topics, collarPrefix, workDir);
    Map<String, Row> stored = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(dbUrl, dbUser, "");
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT crossing_id, status, revision, from_country, to_country, crossed_at,"
                        + " before_fix_time, after_fix_time FROM crossings WHERE collar_id LIKE '"
                        + collarPrefix
                        + "%'")) {
      while (rs.next()) {
        Row r =
            new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getInt(3),
                rs.getString(4),
                rs.getString(5),
                rs.getTimestamp(6).toInstant(),
                rs.getTimestamp(7).toInstant(),
                rs.getTimestamp(8).toInstant());
        stored.put(r.id(), r);
      }
    }
    List<String> differences = new ArrayList<>();
    TreeMap<String, Boolean> ids = new TreeMap<>();
    stored.keySet().forEach(k -> ids.put(k, true));
    replayed.keySet().forEach(k -> ids.put(k, true));
    for (String id : ids.keySet()) {
      Row s = stored.get(id);
      Row r = replayed.get(id);
      if (s == null || !s.equals(r)) {
        differences.add(
            "store: " + (s == null ? "none" : s) + " / replay: " + (r == null ? "none" : r));
      }
    }
    return new Result(stored.size(), replayed.size(), differences);
  }

  private static Map<String, Row> replay(
      String bootstrap, Topics topics, String collarPrefix, Path workDir) throws IOException {
    StreamsServiceConfig config =
        StreamsServiceConfig.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers", bootstrap, "kafka.topic-prefix", topics.prefix())));
    Properties props = config.streamsProperties(topics.deadLetters().name());
    // The same processing; the test driver's own commits stand in for the transactions.
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    Geodata geo = config.geodata();
    Map<String, Row> latest = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        Soak.verifierConsumer(bootstrap, "read_committed")) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topics.fixes().name()).stream()
              .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
              .toList();
      for (TopicPartition tp : parts) {
        Path state = Files.createTempDirectory(workDir, "replay-" + tp.partition() + "-");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (TopologyTestDriver driver =
            new TopologyTestDriver(
                FixTopology.build(topics, config.dedupeRetention(), config.track(), geo), props)) {
          TestInputTopic<String, byte[]> in =
              driver.createInputTopic(
                  topics.fixes().name(), new StringSerializer(), new ByteArraySerializer());
          TestInputTopic<String, byte[]> deployments =
              driver.createInputTopic(
                  topics.deployments().name(), new StringSerializer(), new ByteArraySerializer());
          for (ConsumerRecord<String, byte[]> d : readAll(consumer, topics.deployments().name())) {
            deployments.pipeInput(d.key(), d.value(), Instant.ofEpochMilli(d.timestamp()));
          }
          TestOutputTopic<String, Crossing> out =
              driver.createOutputTopic(
                  topics.crossings().name(),
                  new StringDeserializer(),
                  topics.crossings().valueSerde().deserializer());
          consumer.assign(List.of(tp));
          consumer.seekToBeginning(List.of(tp));
          PollLoop.toEnd(
              consumer,
              List.of(tp),
              Duration.ofMinutes(5),
              r -> {
                in.pipeInput(r.key(), r.value(), Instant.ofEpochMilli(r.timestamp()));
                for (Crossing c : out.readValuesToList()) {
                  if (c.getCollarId().startsWith(collarPrefix)) {
                    latest.put(
                        c.getCrossingId(),
                        new Row(
                            c.getCrossingId(),
                            c.getStatus().toString().toLowerCase(Locale.ROOT),
                            c.getRevision(),
                            c.getFromCountry(),
                            c.getToCountry(),
                            c.getCrossedAt(),
                            c.getBeforeFixTime(),
                            c.getAfterFixTime()));
                  }
                }
              });
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return latest;
  }

  /** Every record of {@code topic} now, partition by partition. */
  private static List<ConsumerRecord<String, byte[]>> readAll(
      KafkaConsumer<String, byte[]> consumer, String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    PollLoop.fromBeginning(consumer, topic, Duration.ofMinutes(5), out::add);
    return out;
  }
}
