package org.tugai.streams;

import java.time.Duration;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;
import org.tugai.avro.Crossing;
import org.tugai.avro.DeviceDeployments;
import org.tugai.avro.Fix;
import org.tugai.schemas.AvroSerde;
import org.tugai.schemas.Topics;
import org.tugai.streams.dedupe.FixDedupeProcessor;
import org.tugai.streams.deployment.DeploymentStoreUpdater;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.track.TrackParams;
import org.tugai.streams.track.TrackProcessor;

/**
 * The fix pipeline: raw fixes from the gateway are deduplicated on (collarId, fixTime), enriched
 * with the deployment valid at their time, country, zones and quality flags, and watched per collar
 * for crossings. Out: enriched (and revised) fixes keyed by collar, crossings (and their revisions)
 * keyed by crossing id.
 */
public final class FixTopology {

  private FixTopology() {}

  public static Topology build(
      Topics topics, Duration dedupeRetention, TrackParams params, Geodata geo) {
    return build(topics, Optional.of(dedupeRetention), params, geo);
  }

  /**
   * @param dedupeRetention empty builds the track processor with no dedupe in front of it: for
   *     tests that must feed it repeats, which the dedupe would drop
   */
  public static Topology build(
      Topics topics, Optional<Duration> dedupeRetention, TrackParams params, Geodata geo) {
    return build(
        topics,
        dedupeRetention,
        params,
        geo,
        () -> new TrackProcessor(params, geo, topics.catalog()));
  }

  /**
   * @param track the track processor: tests give one that reads its state back from the store for
   *     every fix
   */
  public static Topology build(
      Topics topics,
      Optional<Duration> dedupeRetention,
      TrackParams params,
      Geodata geo,
      ProcessorSupplier<String, Fix, String, SpecificRecord> track) {
    Topology topology = new Topology();
    AvroSerde<DeviceDeployments> deviceDeployments =
        new AvroSerde<>(DeviceDeployments.class, topics.catalog());
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DeploymentStoreUpdater.STORE),
                Serdes.String(),
                deviceDeployments)
            .withLoggingDisabled(),
        "deployments-in",
        Serdes.String().deserializer(),
        topics.deployments().valueSerde().deserializer(),
        topics.deployments().name(),
        "deployments-by-device",
        DeploymentStoreUpdater::new);

    topology.addSource(
        Topology.AutoOffsetReset.EARLIEST,
        "fixes-in",
        new FixTimeExtractor(),
        topics.fixes().keySerde().deserializer(),
        topics.fixes().valueSerde().deserializer(),
        topics.fixes().name());
    String trackParent = "fixes-in";
    if (dedupeRetention.isPresent()) {
      Duration retention = dedupeRetention.get();
      topology.addProcessor("fix-dedupe", () -> new FixDedupeProcessor(retention), "fixes-in");
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(FixDedupeProcessor.STORE),
              Serdes.String(),
              Serdes.Long()),
          "fix-dedupe");
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(FixDedupeProcessor.BY_ARRIVAL),
              Serdes.String(),
              Serdes.String()),
          "fix-dedupe");
      trackParent = "fix-dedupe";
    }
    topology.addProcessor("track", track, trackParent);
    // Summaries and fix entries in one store, one changelog partition per task (CollarStore says
    // why).
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(TrackProcessor.STORE),
            Serdes.String(),
            Serdes.ByteArray()),
        "track");

    topology.addSink(
        TrackProcessor.FIXES_OUT,
        topics.fixesEnriched().name(),
        topics.fixesEnriched().keySerde().serializer(),
        RecordSerializers.narrow(topics.fixesEnriched().valueSerde().serializer(), Fix.class),
        "track");
    topology.addSink(
        TrackProcessor.CROSSINGS_OUT,
        topics.crossings().name(),
        topics.crossings().keySerde().serializer(),
        RecordSerializers.narrow(topics.crossings().valueSerde().serializer(), Crossing.class),
        "track");
    return topology;
  }
}
