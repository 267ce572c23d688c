package org.tugai.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.Settings;
import org.tugai.schemas.Topics;
import org.tugai.streams.dedupe.FixDedupeProcessor;

class FixTopologyTest {

  private final Topics topics = Topics.standard();
  private TopologyTestDriver driver;
  private TestInputTopic<String, Fix> fixes;
  private TestInputTopic<String, byte[]> rawFixes;
  private TestOutputTopic<String, Fix> enriched;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void setUp() {
    // At least once here: TopologyTestDriver 4.3.1 does not pass on the dead letters a
    // deserialization handler hands back under exactly once. UndecodableDeploymentIT shows them,
    // exactly once, on a real broker.
    StreamsServiceConfig config =
        StreamsServiceConfig.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    "unused:9092",
                    "streams.processing-guarantee",
                    "at_least_once")));
    Properties props = config.streamsProperties(topics.deadLetters().name());
    driver =
        new TopologyTestDriver(
            FixTopology.build(topics, Duration.ofDays(7), config.track(), TestGeodata.SHIPPED),
            props);
    fixes =
        driver.createInputTopic(
            topics.fixes().name(),
            new StringSerializer(),
            topics.fixes().valueSerde().serializer());
    rawFixes =
        driver.createInputTopic(
            topics.fixes().name(), new StringSerializer(), new ByteArraySerializer());
    enriched =
        driver.createOutputTopic(
            topics.fixesEnriched().name(),
            topics.fixesEnriched().keySerde().deserializer(),
            topics.fixesEnriched().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            topics.deadLetters().keySerde().deserializer(),
            topics.deadLetters().valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  static Fix fix(String collar, String time, double lat) {
    return Fix.newBuilder()
        .setCollarId(collar)
        .setFixTime(Instant.parse(time))
        .setLat(lat)
        .setLon(68.4)
        .setFixType(FixType.THREE_D)
        .setReceivedAt(Instant.parse("2026-03-02T00:00:00Z"))
        .build();
  }

  static String key(Fix f) {
    return f.getCollarId() + "@" + f.getFixTime();
  }

  @Test
  void fixesComeOutEnrichedWithCountryZonesAndFlags() {
    pipe(fix("C1", "2026-03-01T04:00:00Z", 37.30), Instant.parse("2026-03-01T04:00:05Z"));
    Fix out = enriched.readValue();
    assertThat(out.getCountry()).isEqualTo("TJK");
    assertThat(out.getZones()).contains("pa-beshai-palangon", "Tj1");
    assertThat(out.getQualityFlags()).containsExactly("no-deployment");
  }

  private void pipe(Fix fix, Instant arrival) {
    fixes.pipeInput(fix.getCollarId(), fix, arrival);
  }

  @Test
  void theSameFixThreeTimesComesOutOnce() {
    Fix f = fix("C1", "2026-03-01T04:00:00Z", 37.3);
    Instant arrival = Instant.parse("2026-03-01T04:00:05Z");
    pipe(f, arrival);
    pipe(f, arrival.plusSeconds(10));
    pipe(f, arrival.plusSeconds(3600));
    assertThat(enriched.readValuesToList())
        .extracting(FixTopologyTest::key)
        .containsExactly(key(f));
  }

  @Test
  void aStudyReplayedTwiceComesOutOnceHoweverOldItsFixes() {
    // Live data first: stream time is now, two years past the study's fixes.
    Instant now = Instant.now();
    pipe(fix("LIVE", now.minusSeconds(60).toString(), 37.3), now);
    List<Fix> study = new ArrayList<>();
    Instant start = now.minus(Duration.ofDays(730));
    for (int i = 0; i < 50; i++) {
      study.add(fix("OLD-" + (i % 5), start.plus(Duration.ofHours(i)).toString(), 37.0 + i * 1e-3));
    }
    study.forEach(f -> pipe(f, now));
    driver.advanceWallClockTime(Duration.ofHours(3));
    study.forEach(f -> pipe(f, now.plus(Duration.ofHours(3))));
    List<Fix> out = enriched.readValuesToList();
    assertThat(out).hasSize(51);
    assertThat(out.stream().map(FixTopologyTest::key).distinct().count()).isEqualTo(51);
  }

  @Test
  void aKeyIsRememberedForTheRetentionAfterItArrivedAndThenForgotten() {
    Fix f = fix("C1", "2024-03-01T04:00:00Z", 37.3);
    Instant arrival = Instant.now();
    pipe(f, arrival);
    driver.advanceWallClockTime(Duration.ofDays(6));
    pipe(f, arrival);
    assertThat(enriched.readValuesToList()).hasSize(1);
    // Seven days after it first arrived (the dropped copy does not extend it), the key is swept
    // out.
    driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(2));
    pipe(f, arrival);
    assertThat(enriched.readValuesToList()).hasSize(1);
    KeyValueStore<String, Long> seen = driver.getKeyValueStore(FixDedupeProcessor.STORE);
    assertThat(seen.approximateNumEntries()).isLessThanOrEqualTo(1);
  }

  @Test
  void sameTimeOnAnotherCollarAndAnotherTimeOnTheSameCollarBothPass() {
    Fix a = fix("C1", "2026-03-01T04:00:00Z", 37.3);
    Fix b = fix("C2", "2026-03-01T04:00:00Z", 37.4);
    Fix c = fix("C1", "2026-03-01T04:15:00Z", 37.5);
    Instant arrival = Instant.parse("2026-03-01T04:20:00Z");
    pipe(a, arrival);
    pipe(b, arrival);
    pipe(c, arrival);
    assertThat(enriched.readKeyValuesToList())
        .extracting(kv -> kv.key + "/" + kv.value.getLat())
        .containsExactly("C1/37.3", "C2/37.4", "C1/37.5");
  }

  @Test
  void aLateOutOfOrderBatchIsKeptAndItsRepeatIsDropped() {
    Fix recent = fix("C1", "2026-03-01T12:00:00Z", 37.3);
    List<Fix> batch =
        List.of(fix("C1", "2026-03-01T06:00:00Z", 37.1), fix("C1", "2026-03-01T05:00:00Z", 37.0));
    pipe(recent, Instant.parse("2026-03-01T12:00:10Z"));
    batch.forEach(f -> pipe(f, Instant.parse("2026-03-01T13:00:00Z")));
    batch.forEach(f -> pipe(f, Instant.parse("2026-03-01T13:05:00Z")));
    assertThat(enriched.readValuesToList())
        .extracting(Fix::getFixTime)
        .containsExactly(
            Instant.parse("2026-03-01T12:00:00Z"),
            Instant.parse("2026-03-01T06:00:00Z"),
            Instant.parse("2026-03-01T05:00:00Z"));
  }

  @Test
  void outputCarriesTheFixTimeAsRecordTimestamp() {
    pipe(fix("C1", "2026-03-01T04:00:00Z", 37.3), Instant.parse("2026-03-01T09:00:00Z"));
    assertThat(enriched.readRecord().getRecordTime())
        .isEqualTo(Instant.parse("2026-03-01T04:00:00Z"));
  }

  @Test
  void anUndecodableRecordIsDeadLetteredAndTheNextFixStillFlows() {
    byte[] garbage = "{\"collarId\":\"C1\"}".getBytes(StandardCharsets.UTF_8);
    rawFixes.pipeInput("C1", garbage, Instant.parse("2026-03-01T04:00:00Z"));
    Fix next = fix("C1", "2026-03-01T04:15:00Z", 37.5);
    pipe(next, Instant.parse("2026-03-01T04:15:05Z"));

    assertThat(enriched.readValuesToList())
        .extracting(FixTopologyTest::key)
        .containsExactly(key(next));
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getComponent()).isEqualTo("streams");
    assertThat(letter.getReasonCode()).isEqualTo("undecodable");
    assertThat(letter.getReason()).contains("cannot decode Fix");
    assertThat(letter.getSource()).startsWith("kafka:tugai.fixes.v1/0/");
    assertThat(letter.getPayload().array()).isEqualTo(garbage);
    assertThat(letter.getDeviceId()).isEqualTo("C1");
  }
}
