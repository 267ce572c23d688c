package org.tugai.streams.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tugai.avro.Crossing;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.avro.TrackState;
import org.tugai.core.config.Settings;
import org.tugai.schemas.AvroSerde;
import org.tugai.schemas.FixFlags;
import org.tugai.schemas.Topics;
import org.tugai.streams.FixTopology;
import org.tugai.streams.StreamsServiceConfig;
import org.tugai.streams.TestGeodata;
import org.tugai.streams.store.CollarStore;

/**
 * The incremental track processor gives what recomputing the whole window for every fix gave
 * ({@link FullRecomputeTrack}, the old logic): the same flags on every fix and the same crossings,
 * with the same ids, revisions and retractions, after the last fix. Random walks of deer
 * zig-zagging over the Panj with GPS spikes, poor and failed fixes and gaps, fed in order, shuffled
 * within the grace, with repeats, and with fixes later than the grace; a short grace so that fixes
 * leave the window all the time.
 */
class TrackProcessorEquivalenceTest {

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final double LON = 68.40;
  private static final double BORDER = CrossingTopologyTest.BORDER;
  private static final TrackParams PARAMS =
      new TrackParams(
          Duration.ofHours(6),
          Map.of(),
          60,
          Map.of(),
          200,
          5.0,
          4,
          true,
          "A",
          3_000,
          3_000,
          3,
          Duration.ofHours(6));
  private static final String[] COLLARS = {"TJ-BD-001", "TJ-BD-002", "TJ-BD-003"};

  enum Order {
    IN_ORDER,
    SHUFFLED_WITHIN_GRACE,
    WITH_REPEATS,
    SOME_LATER_THAN_GRACE
  }

  /**
   * @param fromStore every fix reads its collar's summary back from the store, as after a restart
   */
  record Case(Order order, long seed, boolean fromStore) {
    @Override
    public String toString() {
      return order + " seed " + seed + (fromStore ? ", summary read back for every fix" : "");
    }
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (Order o : Order.values()) {
      for (long seed = 1; seed <= 5; seed++) {
        cases.add(new Case(o, seed, seed % 2 == 0));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void incrementalEqualsFullRecompute(Case c) {
    Random random = new Random(c.seed());
    List<Fix> track = new ArrayList<>();
    for (String collar : COLLARS) {
      track.addAll(walk(collar, random, 160, Duration.ofHours(1)));
    }
    List<Fix> arrivals = arrive(track, c.order(), random, PARAMS.grace());
    FullRecomputeTrack reference = runBoth(PARAMS, arrivals, c.fromStore(), c.toString());
    assertThat(reference.fixesOut)
        .as("the walks do exercise the rules")
        .anyMatch(f -> f.getQualityFlags().contains(FixFlags.OUTLIER));
    assertThat(reference.crossingsOut).isNotEmpty();
    if (c.order() == Order.SHUFFLED_WITHIN_GRACE) {
      assertThat(reference.crossingsOut)
          .as("late fixes revise or retract crossings")
          .anyMatch(x -> x.getRevision() > 0);
    }
  }

  /** Dense fixes and a long window: a 15-minute collar with the default grace, a 1-minute one. */
  record Dense(Duration step, Duration grace, int fixes, Duration maxDelay, long seed) {
    @Override
    public String toString() {
      return fixes
          + " fixes every "
          + step
          + ", grace "
          + grace
          + ", up to "
          + maxDelay
          + " late, seed "
          + seed;
    }
  }

  static List<Dense> dense() {
    return List.of(
        new Dense(Duration.ofMinutes(15), Duration.ofHours(48), 700, Duration.ofHours(2), 3),
        new Dense(Duration.ofMinutes(15), Duration.ofHours(48), 700, Duration.ofHours(4), 4),
        new Dense(Duration.ofMinutes(1), Duration.ofHours(6), 1_500, Duration.ofMinutes(40), 5));
  }

  /**
   * A late fix is recomputed from the checkpoint before it: the fixes read back per late fix stay
   * within what the checkpoints' spacing and the fix's lateness hold, far below the window (250 and
   * 450 fixes), and the results are still the full recompute's.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dense")
  void aLateFixIsRecomputedFromTheCheckpointBeforeIt(Dense d) {
    TrackParams params =
        new TrackParams(
            d.grace(),
            Map.of(),
            PARAMS.maxSpeedKmh(),
            Map.of(),
            PARAMS.minOutlierDisplacementM(),
            PARAMS.maxHdop(),
            PARAMS.minSatellites(),
            PARAMS.flagTwoD(),
            PARAMS.minLocationClass(),
            PARAMS.maxErrorRadiusM(),
            PARAMS.confirmDistanceM(),
            PARAMS.confirmFixes(),
            PARAMS.confirmDwell());
    Random random = new Random(d.seed());
    List<Fix> track = walk(COLLARS[0], random, d.fixes(), d.step());
    Duration maxDelay = d.maxDelay();
    List<Fix> arrivals =
        delayed(
            track,
            random,
            f ->
                random.nextDouble() < 0.05
                    ? (long) (random.nextDouble() * maxDelay.toMillis())
                    : 0);
    int late = 0;
    Instant newest = Instant.MIN;
    for (Fix f : arrivals) {
      late += f.getFixTime().isBefore(newest) ? 1 : 0;
      newest = f.getFixTime().isAfter(newest) ? f.getFixTime() : newest;
    }
    List<TrackProcessor> processors = new ArrayList<>();
    FullRecomputeTrack reference = runBoth(params, arrivals, false, d.toString(), processors);
    long reread = processors.stream().mapToLong(TrackProcessor::fixesReread).sum();
    long window = d.grace().multipliedBy(5).dividedBy(4).dividedBy(d.step());
    long reach = TrackCheckpoints.SPACING.plus(maxDelay).dividedBy(d.step()) + 2;
    assertThat(late).as("late fixes").isGreaterThan(10);
    assertThat(reference.crossingsOut).as("the walk crosses").isNotEmpty();
    assertThat(reread)
        .as("fixes read back for %d late fixes (window %d fixes)", late, window)
        .isPositive()
        .isLessThanOrEqualTo(late * reach);
    assertThat(reach).isLessThan(window / 2);
  }

  private static FullRecomputeTrack runBoth(
      TrackParams params, List<Fix> arrivals, boolean fromStore, String label) {
    return runBoth(params, arrivals, fromStore, label, new ArrayList<>());
  }

  /**
   * Feeds the arrivals to the topology and to the reference and asserts the same last version of
   * every fix and crossing; the topology's track processors are added to {@code processors}.
   */
  private static FullRecomputeTrack runBoth(
      TrackParams params,
      List<Fix> arrivals,
      boolean fromStore,
      String label,
      List<TrackProcessor> processors) {
    Map<String, Deployment> deployments = deployments();
    FullRecomputeTrack reference =
        new FullRecomputeTrack(
            params,
            TestGeodata.SHIPPED,
            f ->
                Optional.ofNullable(deployments.get(f.getCollarId()))
                    .filter(d -> !f.getFixTime().isBefore(d.getDeployOn())));

    Topics topics = Topics.standard();
    StreamsServiceConfig config =
        StreamsServiceConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "unused:9092")));
    Properties props = config.streamsProperties(topics.deadLetters().name());
    props.put(
        "state.dir",
        System.getProperty("java.io.tmpdir")
            + "/tugai-equivalence-"
            + label.replaceAll("[^A-Za-z0-9]+", "-")
            + "-"
            + System.nanoTime());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            FixTopology.build(
                topics,
                Optional.empty(),
                params,
                TestGeodata.SHIPPED,
                () -> {
                  TrackProcessor p =
                      new TrackProcessor(
                          params, TestGeodata.SHIPPED, topics.catalog(), fromStore ? 0 : 10_000);
                  processors.add(p);
                  return p;
                }),
            props)) {
      TestInputTopic<String, Deployment> deps =
          driver.createInputTopic(
              topics.deployments().name(),
              new StringSerializer(),
              topics.deployments().valueSerde().serializer());
      deployments.values().forEach(d -> deps.pipeInput(d.getDeploymentId(), d, d.getDeployOn()));
      TestInputTopic<String, Fix> in =
          driver.createInputTopic(
              topics.fixes().name(),
              new StringSerializer(),
              topics.fixes().valueSerde().serializer());
      TestOutputTopic<String, Fix> enriched =
          driver.createOutputTopic(
              topics.fixesEnriched().name(),
              topics.fixesEnriched().keySerde().deserializer(),
              topics.fixesEnriched().valueSerde().deserializer());
      TestOutputTopic<String, Crossing> crossings =
          driver.createOutputTopic(
              topics.crossings().name(),
              topics.crossings().keySerde().deserializer(),
              topics.crossings().valueSerde().deserializer());
      for (Fix f : arrivals) {
        in.pipeInput(f.getCollarId(), f, f.getReceivedAt());
        reference.process(f, f.getReceivedAt());
      }
      assertThat(
              differences(lastPerFix(reference.fixesOut), lastPerFix(enriched.readValuesToList())))
          .as("fixes whose last version differs (expected / actual)")
          .isEmpty();
      assertThat(lastPerCrossing(crossings.readValuesToList()))
          .as("every crossing as last emitted (status, revision, content)")
          .isEqualTo(lastPerCrossing(reference.crossingsOut));
    }
    return reference;
  }

  private static Map<String, Deployment> deployments() {
    Map<String, Deployment> deployments = new LinkedHashMap<>();
    for (String collar : COLLARS) {
      deployments.put(
          collar,
          Deployment.newBuilder()
              .setDeploymentId("dep-" + collar)
              .setDeviceId(collar)
              .setDeviceType(DeviceType.COLLAR)
              .setAnimalId("deer-" + collar)
              .setSpecies("Cervus elaphus bactrianus")
              .setPopulation("Tj1")
              .setDeployOn(T0.minus(Duration.ofDays(1)))
              .build());
    }
    return deployments;
  }

  /**
   * A store written by version 0.3 (each collar's whole window in its summary) is taken over: its
   * fixes move to the fix store the first time the collar reports, and from there on the results
   * are those of the old logic.
   */
  @Test
  void aVersion3StateIsTakenOverWithItsWindow() {
    Random random = new Random(11);
    List<Fix> track = new ArrayList<>();
    for (String collar : COLLARS) {
      track.addAll(walk(collar, random, 120, Duration.ofHours(1)));
    }
    List<Fix> arrivals = arrive(track, Order.SHUFFLED_WITHIN_GRACE, random, PARAMS.grace());
    int half = arrivals.size() / 2;
    Map<String, Deployment> deployments = deployments();
    FullRecomputeTrack reference =
        new FullRecomputeTrack(
            PARAMS,
            TestGeodata.SHIPPED,
            f ->
                Optional.ofNullable(deployments.get(f.getCollarId()))
                    .filter(d -> !f.getFixTime().isBefore(d.getDeployOn())));
    arrivals.subList(0, half).forEach(f -> reference.process(f, f.getReceivedAt()));
    int before = reference.fixesOut.size();
    int crossingsBefore = reference.crossingsOut.size();

    Topics topics = Topics.standard();
    StreamsServiceConfig config =
        StreamsServiceConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "unused:9092")));
    Properties props = config.streamsProperties(topics.deadLetters().name());
    props.put(
        "state.dir",
        System.getProperty("java.io.tmpdir") + "/tugai-equivalence-v3-" + System.nanoTime());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            FixTopology.build(topics, Optional.empty(), PARAMS, TestGeodata.SHIPPED), props)) {
      TestInputTopic<String, Deployment> deps =
          driver.createInputTopic(
              topics.deployments().name(),
              new StringSerializer(),
              topics.deployments().valueSerde().serializer());
      deployments.values().forEach(d -> deps.pipeInput(d.getDeploymentId(), d, d.getDeployOn()));
      KeyValueStore<String, byte[]> bytes = driver.getKeyValueStore(TrackProcessor.STORE);
      CollarStore<TrackState> store =
          new CollarStore<>(
              bytes,
              new AvroSerde<>(TrackState.class, topics.catalog()),
              new AvroSerde<>(Fix.class, topics.catalog()));
      for (String collar : COLLARS) {
        store.putSummary(collar, reference.version3State(collar));
      }
      reference.forgetFolded();
      TestInputTopic<String, Fix> in =
          driver.createInputTopic(
              topics.fixes().name(),
              new StringSerializer(),
              topics.fixes().valueSerde().serializer());
      TestOutputTopic<String, Fix> enriched =
          driver.createOutputTopic(
              topics.fixesEnriched().name(),
              topics.fixesEnriched().keySerde().deserializer(),
              topics.fixesEnriched().valueSerde().deserializer());
      TestOutputTopic<String, Crossing> crossings =
          driver.createOutputTopic(
              topics.crossings().name(),
              topics.crossings().keySerde().deserializer(),
              topics.crossings().valueSerde().deserializer());
      for (Fix f : arrivals.subList(half, arrivals.size())) {
        in.pipeInput(f.getCollarId(), f, f.getReceivedAt());
        reference.process(f, f.getReceivedAt());
      }
      assertThat(
              differences(
                  lastPerFix(reference.fixesOut.subList(before, reference.fixesOut.size())),
                  lastPerFix(enriched.readValuesToList())))
          .isEmpty();
      assertThat(lastPerCrossing(crossings.readValuesToList()))
          .isEqualTo(
              lastPerCrossing(
                  reference.crossingsOut.subList(crossingsBefore, reference.crossingsOut.size())));
      for (String collar : COLLARS) {
        assertThat(store.summary(collar).getFixes())
            .as("the window has left the summary")
            .isEmpty();
        assertThat(store.summary(collar).getFixCount()).isPositive();
      }
    }
  }

  /**
   * A deer walking along the meridian over the border and back, a fix every {@code step}, with the
   * faults collars have; its wandering per fix scaled to the step.
   */
  private static List<Fix> walk(String collar, Random random, int count, Duration step) {
    List<Fix> fixes = new ArrayList<>();
    double hours = step.toSeconds() / 3600.0;
    double north = (random.nextDouble() - 0.5) * 0.1;
    Instant t = T0;
    for (int h = 0; h < count; h++) {
      t = t.plus(step).plusSeconds(random.nextInt((int) Math.min(60, step.toSeconds() / 2)));
      if (random.nextDouble() < 0.04 * hours) {
        t = t.plus(Duration.ofHours(2 + random.nextInt(8))); // a gap: canopy, a flat battery
      }
      north +=
          (random.nextDouble() - 0.5) * 0.03 * Math.sqrt(hours) - north * 0.05 * Math.min(1, hours);
      double lat = BORDER + north;
      double lon = LON + (random.nextDouble() - 0.5) * 0.01;
      Fix.Builder b =
          Fix.newBuilder()
              .setCollarId(collar)
              .setFixTime(t)
              .setLat(lat)
              .setLon(lon)
              .setFixType(FixType.THREE_D)
              .setHdop(1.0 + random.nextDouble())
              .setSatellites(8)
              .setReceivedAt(t.plusSeconds(30))
              .setSource("test");
      double p = random.nextDouble();
      if (p < 0.07) {
        b.setLat(
            lat
                + (random.nextBoolean() ? 1 : -1)
                    * (0.8 + random.nextDouble())); // a GPS spike, 90-200 km off
      } else if (p < 0.10) {
        b.setHdop(9.0); // poor quality
      } else if (p < 0.12) {
        b.setLat(null).setLon(null).setFixType(FixType.NONE); // no fix
      }
      fixes.add(b.build());
    }
    return fixes;
  }

  /**
   * The order the fixes reach the processor, each with the time it arrives as its {@code
   * receivedAt}.
   */
  private static List<Fix> arrive(
      List<Fix> track, Order order, Random random, Duration graceDuration) {
    List<Fix> sorted = new ArrayList<>(track);
    sorted.sort(Comparator.comparing(Fix::getFixTime));
    List<Fix> out = new ArrayList<>();
    long grace = graceDuration.toMillis();
    switch (order) {
      case IN_ORDER -> out.addAll(sorted);
      case SHUFFLED_WITHIN_GRACE ->
          out.addAll(
              delayed(
                  sorted,
                  random,
                  f -> random.nextDouble() < 0.3 ? (long) (random.nextDouble() * grace * 0.8) : 0));
      case WITH_REPEATS -> {
        List<Fix> with = new ArrayList<>(sorted);
        for (Fix f : sorted) {
          if (random.nextDouble() < 0.15) {
            with.add(
                Fix.newBuilder(f)
                    .setReceivedAt(
                        f.getReceivedAt().plusMillis((long) (random.nextDouble() * grace * 0.7)))
                    .build());
          }
        }
        out.addAll(delayed(with, random, f -> 0L));
      }
      case SOME_LATER_THAN_GRACE ->
          out.addAll(
              delayed(
                  sorted,
                  random,
                  f ->
                      random.nextDouble() < 0.05
                          ? grace + (long) (random.nextDouble() * grace)
                          : random.nextDouble() < 0.2
                              ? (long) (random.nextDouble() * grace * 0.5)
                              : 0));
    }
    return out;
  }

  private static List<Fix> delayed(List<Fix> fixes, Random random, ToLongFunction<Fix> delay) {
    List<Fix> out = new ArrayList<>();
    for (Fix f : fixes) {
      out.add(
          Fix.newBuilder(f)
              .setReceivedAt(f.getReceivedAt().plusMillis(delay.applyAsLong(f)))
              .build());
    }
    out.sort(Comparator.comparing(Fix::getReceivedAt));
    return out;
  }

  private static List<String> differences(Map<String, Fix> expected, Map<String, Fix> actual) {
    List<String> out = new ArrayList<>();
    Set<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String k : keys) {
      Fix e = expected.get(k);
      Fix a = actual.get(k);
      if (e == null || !e.equals(a)) {
        out.add(
            k
                + ": "
                + (e == null ? "none" : e.getQualityFlags())
                + " / "
                + (a == null ? "none" : a.getQualityFlags()));
      }
    }
    return out;
  }

  private static Map<String, Fix> lastPerFix(List<Fix> out) {
    Map<String, Fix> last = new TreeMap<>();
    out.forEach(
        f ->
            last.put(
                f.getCollarId() + "@" + f.getFixTime(),
                Fix.newBuilder(f).setReceivedAt(Instant.EPOCH).build()));
    return last;
  }

  private static Map<String, Crossing> lastPerCrossing(List<Crossing> out) {
    Map<String, Crossing> last = new TreeMap<>();
    out.forEach(
        c ->
            last.put(
                c.getCrossingId(), Crossing.newBuilder(c).setDetectedAt(Instant.EPOCH).build()));
    return last;
  }
}
