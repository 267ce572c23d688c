package org.tugai.streams.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.Crossing;
import org.tugai.avro.CrossingStatus;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.Settings;
import org.tugai.core.geo.Countries;
import org.tugai.schemas.FixFlags;
import org.tugai.schemas.Topics;
import org.tugai.streams.FixTopology;
import org.tugai.streams.StreamsServiceConfig;
import org.tugai.streams.TestGeodata;
import org.tugai.streams.geo.Geodata;

/** Crossings in event time over the real 1:10m Panj border between Tajikistan and Afghanistan. */
class CrossingTopologyTest {

  static final String COLLAR = "TJ-BD-017";
  static final double LON = 68.40;
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  /** Latitude of the TJK / AFG border on the meridian the deer walks along. */
  static final double BORDER =
      Countries.load(Countries.SHIPPED)
          .crossingPoint(37.30, LON, 36.90, LON, "TJK")
          .orElseThrow()
          .y;

  private final Topics topics = Topics.standard();
  private TopologyTestDriver driver;
  private TestInputTopic<String, Fix> fixes;
  private TestInputTopic<String, Deployment> deployments;
  private TestOutputTopic<String, Fix> enriched;
  private TestOutputTopic<String, Crossing> crossings;
  @TempDir Path dir;

  private void start(Geodata geo) {
    start(geo, Map.of());
  }

  private void start(Geodata geo, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.put("kafka.bootstrap-servers", "unused:9092");
    StreamsServiceConfig config = StreamsServiceConfig.from(Settings.of(all));
    Properties props = config.streamsProperties(topics.deadLetters().name());
    driver =
        new TopologyTestDriver(
            FixTopology.build(topics, Duration.ofDays(7), config.track(), geo), props);
    fixes =
        driver.createInputTopic(
            topics.fixes().name(),
            new StringSerializer(),
            topics.fixes().valueSerde().serializer());
    deployments =
        driver.createInputTopic(
            topics.deployments().name(),
            new StringSerializer(),
            topics.deployments().valueSerde().serializer());
    enriched =
        driver.createOutputTopic(
            topics.fixesEnriched().name(),
            topics.fixesEnriched().keySerde().deserializer(),
            topics.fixesEnriched().valueSerde().deserializer());
    crossings =
        driver.createOutputTopic(
            topics.crossings().name(),
            topics.crossings().keySerde().deserializer(),
            topics.crossings().valueSerde().deserializer());
  }

  private void start() {
    start(TestGeodata.SHIPPED);
    deploy("dep-1", COLLAR, "deer-1", "2026-01-01T00:00:00Z", null, "Tj1");
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void deploy(
      String id, String collar, String animal, String on, String off, String population) {
    deployments.pipeInput(
        id,
        Deployment.newBuilder()
            .setDeploymentId(id)
            .setDeviceId(collar)
            .setDeviceType(DeviceType.COLLAR)
            .setAnimalId(animal)
            .setSpecies("Cervus elaphus bactrianus")
            .setPopulation(population)
            .setDeployOn(Instant.parse(on))
            .setDeployOff(off == null ? null : Instant.parse(off))
            .build(),
        Instant.parse(on));
  }

  static Fix at(String collar, Instant time, double lat, double lon) {
    return Fix.newBuilder()
        .setCollarId(collar)
        .setFixTime(time)
        .setLat(lat)
        .setLon(lon)
        .setFixType(FixType.THREE_D)
        .setHdop(1.1)
        .setSatellites(8)
        .setReceivedAt(time.plusSeconds(30))
        .setSource("test")
        .build();
  }

  /**
   * Fix number {@code hour} of the walk, {@code north} degrees north of the border (negative: in
   * Afghanistan).
   */
  private void walk(int hour, double north) {
    Fix f = at(COLLAR, T0.plus(Duration.ofHours(hour)), BORDER + north, LON);
    fixes.pipeInput(COLLAR, f, f.getFixTime().plusSeconds(30));
  }

  /** The crossings as a store keeps them: latest record per id, retracted ones removed. */
  private Map<String, Crossing> converged(List<Crossing> records) {
    Map<String, Crossing> set = new LinkedHashMap<>();
    for (Crossing c : records) {
      if (c.getStatus() == CrossingStatus.RETRACTED) {
        set.remove(c.getCrossingId());
      } else {
        set.put(c.getCrossingId(), c);
      }
    }
    return set;
  }

  @Test
  void aCleanCrossingIsReportedAsSoonAsItIsConfirmed() {
    start();
    walk(0, 0.10);
    walk(1, 0.05);
    walk(2, 0.01);
    walk(3, -0.01); // in Afghanistan, but within the uncertain band along the river
    assertThat(crossings.isEmpty()).isTrue();
    walk(
        4,
        -0.04); // more than 3 km inside Afghanistan: confirmed now, no waiting for a grace period
    List<Crossing> out = crossings.readValuesToList();
    assertThat(out)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getFromCountry()).isEqualTo("TJK");
              assertThat(c.getToCountry()).isEqualTo("AFG");
              assertThat(c.getAnimalId()).isEqualTo("deer-1");
              assertThat(c.getDeploymentId()).isEqualTo("dep-1");
              assertThat(c.getPopulation()).isEqualTo("Tj1");
              assertThat(c.getBeforeFixTime()).isEqualTo(T0.plus(Duration.ofHours(2)));
              assertThat(c.getAfterFixTime()).isEqualTo(T0.plus(Duration.ofHours(3)));
              assertThat(c.getCrossingLat()).isCloseTo(BORDER, Assertions.within(1e-6));
              assertThat(c.getCrossedAt())
                  .isBetween(T0.plus(Duration.ofHours(2)), T0.plus(Duration.ofHours(3)));
              assertThat(c.getHotspot()).isEqualTo("hotspot-6");
              assertThat(c.getStatus()).isEqualTo(CrossingStatus.CONFIRMED);
              assertThat(c.getRevision()).isZero();
            });
    walk(5, -0.05);
    assertThat(crossings.isEmpty()).as("one crossing, not one per fix on the new side").isTrue();
  }

  @Test
  void threeConsecutiveFixesInTheBandAlsoConfirm() {
    start();
    walk(0, 0.02);
    walk(1, -0.005);
    walk(2, -0.006);
    assertThat(crossings.isEmpty()).isTrue();
    walk(3, -0.007);
    assertThat(crossings.readValuesToList())
        .singleElement()
        .satisfies(c -> assertThat(c.getAfterFixTime()).isEqualTo(T0.plus(Duration.ofHours(1))));
  }

  @Test
  void jitterAlongTheRiverBorderIsNotACrossing() {
    start();
    for (int h = 0; h < 24; h++) {
      walk(h, h % 2 == 0 ? 0.004 : -0.004);
    }
    assertThat(crossings.isEmpty()).isTrue();
    assertThat(enriched.readValuesToList()).extracting(Fix::getCountry).contains("TJK", "AFG");
  }

  @Test
  void anOutOfOrderSatelliteBatchRevealsTheCrossingAndConvergesToIt() {
    start();
    walk(0, 0.08);
    walk(1, 0.05);
    walk(2, 0.01);
    // Hours 3 to 6 arrive later, newest first, as a store-and-forward upload does.
    walk(6, -0.06);
    walk(5, -0.05);
    walk(4, -0.03);
    walk(3, -0.01);
    Map<String, Crossing> set = converged(crossings.readValuesToList());
    assertThat(set.values())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getBeforeFixTime()).isEqualTo(T0.plus(Duration.ofHours(2)));
              assertThat(c.getAfterFixTime()).isEqualTo(T0.plus(Duration.ofHours(3)));
            });
  }

  @Test
  void aLateFixThatBreaksTheRunCancelsTheCrossing() {
    start();
    walk(0, 0.01);
    walk(1, -0.005);
    walk(3, -0.006);
    walk(5, -0.007);
    assertThat(converged(crossings.readValuesToList())).hasSize(1);
    walk(7, 0.01);
    walk(2, 0.004); // a late fix, within the grace: the deer was back in Tajikistan in between
    List<Crossing> out = crossings.readValuesToList();
    assertThat(out)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo(CrossingStatus.RETRACTED);
              assertThat(c.getRevision()).isEqualTo(1);
            });
  }

  @Test
  void duplicatesNeverDuplicateACrossing() {
    start();
    for (int round = 0; round < 3; round++) {
      walk(0, 0.05);
      walk(1, 0.01);
      walk(2, -0.01);
      walk(3, -0.04);
    }
    assertThat(crossings.readValuesToList()).hasSize(1);
  }

  @Test
  void aGpsSpikeAcrossTheBorderIsAnOutlierAndNeverACrossing() {
    start();
    Instant t = T0;
    double[] track = {0.10, 0.10, -0.30, 0.10, 0.10};
    for (double north : track) {
      Fix f = at(COLLAR, t, BORDER + north, LON);
      fixes.pipeInput(COLLAR, f, t.plusSeconds(30));
      assertThat(crossings.isEmpty())
          .as("no crossing at any moment, not even before the return fix")
          .isTrue();
      t = t.plus(Duration.ofMinutes(15));
    }
    List<Fix> out = enriched.readValuesToList();
    Fix spike = out.stream().filter(f -> f.getLat() < BORDER).reduce((a, b) -> b).orElseThrow();
    assertThat(spike.getQualityFlags()).containsExactly(FixFlags.OUTLIER);
    assertThat(spike.getCountry()).isEqualTo("AFG");
  }

  @Test
  void aSustainedFastMoveIsNotAnOutlier() {
    start();
    Instant t = T0;
    for (double north : new double[] {0.10, 0.10, -0.30, -0.31, -0.32}) {
      Fix f = at(COLLAR, t, BORDER + north, LON);
      fixes.pipeInput(COLLAR, f, t.plusSeconds(30));
      t = t.plus(Duration.ofMinutes(15));
    }
    assertThat(enriched.readValuesToList())
        .noneMatch(f -> f.getQualityFlags().contains(FixFlags.OUTLIER));
    assertThat(converged(crossings.readValuesToList())).hasSize(1);
  }

  @Test
  void aRedeploymentToAnotherAnimalIsNotACrossingAndUndeployedFixesAreFlagged() {
    start(TestGeodata.SHIPPED);
    deploy("dep-1", COLLAR, "deer-1", "2026-03-01T00:00:00Z", "2026-03-01T03:00:00Z", "Tj1");
    deploy("dep-2", COLLAR, "deer-2", "2026-03-01T05:00:00Z", null, null);
    Fix before = at(COLLAR, T0.minus(Duration.ofHours(1)), BORDER + 0.10, LON);
    fixes.pipeInput(COLLAR, before, before.getFixTime());
    walk(0, 0.10);
    walk(1, 0.09);
    walk(4, -0.20); // between deployments: the collar is being moved
    walk(5, -0.20); // the new animal, in Afghanistan from its first fix
    walk(6, -0.21);
    assertThat(crossings.isEmpty()).isTrue();
    Map<Instant, Fix> out = new LinkedHashMap<>();
    enriched.readValuesToList().forEach(f -> out.put(f.getFixTime(), f));
    assertThat(out.get(before.getFixTime()).getQualityFlags())
        .containsExactly(FixFlags.NO_DEPLOYMENT);
    assertThat(out.get(T0.plus(Duration.ofHours(4))).getQualityFlags())
        .containsExactly(FixFlags.NO_DEPLOYMENT);
    assertThat(out.get(T0).getAnimalId()).isEqualTo("deer-1");
    assertThat(out.get(T0.plus(Duration.ofHours(5))).getAnimalId()).isEqualTo("deer-2");
  }

  @Test
  void aFixLaterThanTheGraceIsStoredFlaggedAndChangesNothing() {
    start();
    walk(0, 0.10);
    walk(100, 0.10);
    walk(101, -0.01); // hour 101 and 102: within the band
    walk(3, -0.05); // 97 h late: far beyond the 48 h grace
    List<Fix> out = enriched.readValuesToList();
    assertThat(out.get(out.size() - 1).getQualityFlags()).containsExactly(FixFlags.LATE);
    assertThat(crossings.isEmpty()).isTrue();
  }

  @Test
  void aSatelliteChannelKeepsItsOwnGrace() {
    start(TestGeodata.SHIPPED, Map.of("streams.grace-by-channel.import-telonics", "30d"));
    deploy("dep-1", COLLAR, "deer-1", "2026-01-01T00:00:00Z", null, "Tj1");
    walk(0, 0.10);
    walk(100, 0.10);
    Fix viaMqtt = at(COLLAR, T0.plus(Duration.ofHours(3)), BORDER + 0.10, LON);
    Fix fromFile =
        Fix.newBuilder(at(COLLAR, T0.plus(Duration.ofHours(4)), BORDER + 0.10, LON))
            .setSource("import-telonics:collar.csv")
            .build();
    fixes.pipeInput(COLLAR, viaMqtt, viaMqtt.getFixTime());
    fixes.pipeInput(COLLAR, fromFile, fromFile.getFixTime());
    Map<Instant, Fix> out = new LinkedHashMap<>();
    enriched.readValuesToList().forEach(f -> out.put(f.getFixTime(), f));
    // 97 h late over MQTT (48 h grace) is late; 96 h late from a vendor export (30 d grace for its
    // channel) is not.
    assertThat(out.get(viaMqtt.getFixTime()).getQualityFlags()).containsExactly(FixFlags.LATE);
    assertThat(out.get(fromFile.getFixTime()).getQualityFlags()).isEmpty();
  }

  @Test
  void argosClassesBelowTheMinimumNeverConfirmACrossing() {
    start(TestGeodata.SHIPPED, Map.of("streams.min-location-class", "1"));
    deploy("dep-1", COLLAR, "deer-1", "2026-01-01T00:00:00Z", null, "Tj1");
    walk(0, 0.05);
    for (int h = 1; h < 6; h++) {
      String locationClass = h % 2 == 0 ? "B" : "0";
      Fix argos =
          Fix.newBuilder(at(COLLAR, T0.plus(Duration.ofHours(h)), BORDER - 0.10, LON))
              .setLocationClass(locationClass)
              .build();
      fixes.pipeInput(COLLAR, argos, argos.getFixTime());
    }
    assertThat(crossings.isEmpty()).isTrue();
    assertThat(enriched.readValuesToList().subList(1, 6))
        .allSatisfy(f -> assertThat(f.getQualityFlags()).containsExactly(FixFlags.POOR_QUALITY));
    for (int h = 6; h < 9; h++) {
      Fix good =
          Fix.newBuilder(at(COLLAR, T0.plus(Duration.ofHours(h)), BORDER - 0.10, LON))
              .setLocationClass(h == 6 ? "1" : "3")
              .setErrorRadiusM(400.0)
              .build();
      fixes.pipeInput(COLLAR, good, good.getFixTime());
    }
    assertThat(converged(crossings.readValuesToList())).hasSize(1);
  }

  @Test
  void aPositionsErrorIsNotTakenForMovement() {
    start();
    // 2.5 km south for one minute and back: an outlier for a GPS fix (150 km/h), not for a position
    // with 2 km of error.
    double south = BORDER + 0.05 - 0.0225;
    Fix gps = at(COLLAR, T0.plus(Duration.ofMinutes(60)), south, LON);
    Fix argos =
        Fix.newBuilder(at(COLLAR, T0.plus(Duration.ofMinutes(120)), south, LON))
            .setLocationClass("2")
            .setErrorRadiusM(2_000.0)
            .build();
    List<Fix> walk =
        List.of(
            at(COLLAR, T0.plus(Duration.ofMinutes(59)), BORDER + 0.05, LON),
            gps,
            at(COLLAR, T0.plus(Duration.ofMinutes(61)), BORDER + 0.05, LON),
            at(COLLAR, T0.plus(Duration.ofMinutes(119)), BORDER + 0.05, LON),
            argos,
            at(COLLAR, T0.plus(Duration.ofMinutes(121)), BORDER + 0.05, LON));
    for (Fix f : walk) {
      fixes.pipeInput(COLLAR, f, f.getFixTime());
    }
    Map<Instant, Fix> out = new LinkedHashMap<>();
    enriched.readValuesToList().forEach(f -> out.put(f.getFixTime(), f));
    assertThat(out.get(gps.getFixTime()).getQualityFlags()).containsExactly(FixFlags.OUTLIER);
    assertThat(out.get(argos.getFixTime()).getQualityFlags()).isEmpty();
  }

  @Test
  void failedAndPoorFixesAreKeptFlaggedAndNeverCross() {
    start();
    walk(0, 0.05);
    Fix failed =
        Fix.newBuilder()
            .setCollarId(COLLAR)
            .setFixTime(T0.plus(Duration.ofHours(1)))
            .setFixType(FixType.NONE)
            .setReceivedAt(T0.plus(Duration.ofHours(1)))
            .setSource("test")
            .build();
    fixes.pipeInput(COLLAR, failed, failed.getFixTime());
    for (int h = 2; h < 6; h++) {
      Fix poor =
          Fix.newBuilder(at(COLLAR, T0.plus(Duration.ofHours(h)), BORDER - 0.10, LON))
              .setHdop(12.0)
              .build();
      fixes.pipeInput(COLLAR, poor, poor.getFixTime());
    }
    assertThat(crossings.isEmpty()).isTrue();
    List<Fix> out = enriched.readValuesToList();
    assertThat(out.get(1).getQualityFlags()).containsExactly(FixFlags.FAILED_FIX);
    assertThat(out.get(2).getQualityFlags()).containsExactly(FixFlags.POOR_QUALITY);
  }

  @Test
  void anUndecodableDeploymentIsDeadLetteredAndTheTopologyGoesOn() {
    start();
    TestInputTopic<String, byte[]> raw =
        driver.createInputTopic(
            topics.deployments().name(), new StringSerializer(), new ByteArraySerializer());
    raw.pipeInput("dep-x", "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8), T0);
    walk(0, 0.05);
    assertThat(enriched.readValuesToList())
        .singleElement()
        .satisfies(f -> assertThat(f.getAnimalId()).isEqualTo("deer-1"));
  }

  @Test
  void theSameTopologyWorksOnAnotherRegionsBorders() throws Exception {
    // Two made-up countries side by side near the equator, and a park on their border.
    Path countries = dir.resolve("countries.geojson");
    Files.writeString(
        countries,
        """
        {"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {"iso_a3": "AAA", "name": "West"},
           "geometry": {"type": "Polygon", "coordinates": [[[30, -2], [31, -2], [31, 2], [30, 2], [30, -2]]]}},
          {"type": "Feature", "properties": {"iso_a3": "BBB", "name": "East"},
           "geometry": {"type": "Polygon", "coordinates": [[[31, -2], [32, -2], [32, 2], [31, 2], [31, -2]]]}}]}""");
    Path zones = dir.resolve("zones.geojson");
    Files.writeString(
        zones,
        """
        {"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {"id": "corridor-1", "name": "Corridor", "type": "hotspot"},
           "geometry": {"type": "Polygon", "coordinates": [[[30.8, -1], [31.2, -1], [31.2, 1], [30.8, 1], [30.8, -1]]]}}]}""");
    start(Geodata.load(countries.toString(), List.of(zones.toString())));
    deploy("e-1", "KE-EL-1", "elephant-1", "2026-01-01T00:00:00Z", null, null);
    double[] lons = {30.90, 30.95, 30.99, 31.01, 31.05};
    for (int h = 0; h < lons.length; h++) {
      Fix f = at("KE-EL-1", T0.plus(Duration.ofHours(h)), 0.5, lons[h]);
      fixes.pipeInput("KE-EL-1", f, f.getFixTime());
    }
    assertThat(crossings.readValuesToList())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getFromCountry()).isEqualTo("AAA");
              assertThat(c.getToCountry()).isEqualTo("BBB");
              assertThat(c.getHotspot()).isEqualTo("corridor-1");
              assertThat(c.getCrossingLon()).isCloseTo(31.0, Assertions.within(1e-9));
            });
  }
}
