package org.tugai.streams.alert;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.tugai.avro.Alert;
import org.tugai.avro.CameraAlertState;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.DeviceActivity;
import org.tugai.avro.Fix;
import org.tugai.schemas.AvroSerde;
import org.tugai.schemas.Topics;
import org.tugai.streams.RecordSerializers;
import org.tugai.streams.alert.camera.IntrusionProcessor;
import org.tugai.streams.alert.collar.CollarRules;
import org.tugai.streams.alert.collar.CollarRulesProcessor;
import org.tugai.streams.alert.crossing.CrossingNoticeProcessor;
import org.tugai.streams.alert.lifecycle.AlertLifecycleProcessor;
import org.tugai.streams.alert.position.PositionStoreUpdater;
import org.tugai.streams.geo.Geodata;
import org.tugai.streams.store.WindowCache;
import org.tugai.streams.track.TrackParams;

/**
 * The alert rules, added to the topology that already holds the deployments global store:
 *
 * <pre>
 *   fixes.enriched --collar rules--+--> alert-updates --+
 *   detections -----intrusion------+                    +--lifecycle--> alerts (+ dead letters)
 *   crossings ------notices--------+        alert-acks--+
 *   collar rules --> positions (compacted) --> global store used by intrusion for escalation
 * </pre>
 *
 * Rules run keyed by device; the lifecycle runs keyed by alert id, so that acknowledgements (keyed
 * by alert id) meet the alert they name.
 */
public final class AlertTopology {

  private AlertTopology() {}

  public static void addTo(
      Topology topology, Topics topics, AlertsConfig config, TrackParams track, Geodata geo) {
    AvroSerde<DeviceActivity> activity = new AvroSerde<>(DeviceActivity.class, topics.catalog());
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PositionStoreUpdater.STORE),
                Serdes.String(),
                new AvroSerde<>(Fix.class, topics.catalog()))
            .withLoggingDisabled(),
        "positions-in",
        Serdes.String().deserializer(),
        topics.positions().valueSerde().deserializer(),
        topics.positions().name(),
        "positions-by-collar",
        PositionStoreUpdater::new);

    CollarRules rules = new CollarRules(config, track, geo);
    // One budget for the instance's tasks, whichever threads run them.
    WindowCache.Budget cache = new WindowCache.Budget(config.cachedFixes());
    topology.addSource(
        Topology.AutoOffsetReset.EARLIEST,
        "enriched-in",
        topics.fixesEnriched().keySerde().deserializer(),
        topics.fixesEnriched().valueSerde().deserializer(),
        topics.fixesEnriched().name());
    topology.addProcessor(
        "collar-rules",
        () -> new CollarRulesProcessor(config, rules, topics.catalog(), cache),
        "enriched-in");
    // Summaries and fix entries in one store, one changelog partition per task (CollarStore says
    // why).
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CollarRulesProcessor.STORE),
            Serdes.String(),
            Serdes.ByteArray()),
        "collar-rules");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CollarRulesProcessor.ACTIVITY_STORE),
            Serdes.String(),
            activity),
        "collar-rules");
    topology.addSink(
        AlertSinks.POSITIONS,
        topics.positions().name(),
        topics.positions().keySerde().serializer(),
        RecordSerializers.narrow(topics.positions().valueSerde().serializer(), Fix.class),
        "collar-rules");

    topology.addSource(
        Topology.AutoOffsetReset.EARLIEST,
        "detections-in",
        topics.detections().keySerde().deserializer(),
        topics.detections().valueSerde().deserializer(),
        topics.detections().name());
    topology.addProcessor("intrusion", () -> new IntrusionProcessor(config, geo), "detections-in");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(IntrusionProcessor.STORE),
            Serdes.String(),
            new AvroSerde<>(CameraAlertState.class, topics.catalog())),
        "intrusion");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(IntrusionProcessor.ACTIVITY_STORE),
            Serdes.String(),
            activity),
        "intrusion");

    topology.addSource(
        Topology.AutoOffsetReset.EARLIEST,
        "crossings-in",
        topics.crossings().keySerde().deserializer(),
        topics.crossings().valueSerde().deserializer(),
        topics.crossings().name());
    topology.addProcessor("crossing-notices", CrossingNoticeProcessor::new, "crossings-in");

    topology.addSink(
        AlertSinks.UPDATES,
        topics.alertUpdates().name(),
        topics.alertUpdates().keySerde().serializer(),
        RecordSerializers.narrow(topics.alertUpdates().valueSerde().serializer(), Alert.class),
        "collar-rules",
        "intrusion",
        "crossing-notices");

    topology.addSource(
        Topology.AutoOffsetReset.EARLIEST,
        "alert-updates-in",
        topics.alertUpdates().keySerde().deserializer(),
        topics.alertUpdates().valueSerde().deserializer(),
        topics.alertUpdates().name());
    topology.addSource(
        Topology.AutoOffsetReset.EARLIEST,
        "alert-acks-in",
        topics.alertAcks().keySerde().deserializer(),
        topics.alertAcks().valueSerde().deserializer(),
        topics.alertAcks().name());
    topology.addProcessor(
        "alert-lifecycle",
        () -> new AlertLifecycleProcessor(config.retainResolved()),
        "alert-updates-in",
        "alert-acks-in");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(AlertLifecycleProcessor.STORE),
            Serdes.String(),
            new AvroSerde<>(Alert.class, topics.catalog())),
        "alert-lifecycle");
    topology.addSink(
        AlertSinks.ALERTS,
        topics.alerts().name(),
        topics.alerts().keySerde().serializer(),
        RecordSerializers.narrow(topics.alerts().valueSerde().serializer(), Alert.class),
        "alert-lifecycle");
    topology.addSink(
        AlertSinks.DEAD_LETTERS,
        topics.deadLetters().name(),
        topics.deadLetters().keySerde().serializer(),
        RecordSerializers.narrow(topics.deadLetters().valueSerde().serializer(), DeadLetter.class),
        "alert-lifecycle");
  }
}
