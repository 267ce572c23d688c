package org.tugai.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.service.ServiceFailure;
import org.tugai.core.service.TugaiService;
import org.tugai.core.store.Store;
import org.tugai.ingest.sink.DeadLetterPublisher;
import org.tugai.ingest.sink.Table;
import org.tugai.ingest.sink.TopicSink;
import org.tugai.ingest.tables.AlertTable;
import org.tugai.ingest.tables.CameraEventTable;
import org.tugai.ingest.tables.CrossingTable;
import org.tugai.ingest.tables.DeadLetterTable;
import org.tugai.ingest.tables.DeploymentTable;
import org.tugai.ingest.tables.FixTable;
import org.tugai.schemas.TopicSpec;
import org.tugai.schemas.Topics;

/**
 * Kafka to the store: one consumer per topic (several on the fixes topic), each writing COPY
 * batches into its tables. All consumers share one group, so instances started with the same group
 * id split the partitions.
 */
public final class IngestService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(IngestService.class);
  private static final long PROGRESS_EVERY_S = 30;

  private final IngestConfig config;
  private final MeterRegistry registry;
  private final List<TopicSink<?>> sinks = new ArrayList<>();
  private Store store;
  private DeadLetterPublisher deadLetters;
  private ScheduledExecutorService progress;
  private final ServiceFailure failure = new org.tugai.core.service.ServiceFailure("ingest");

  public IngestService(IngestConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "ingest";
  }

  /**
   * A sink that stopped on a systemic failure or died: the other tables may still be written, but
   * the store is no longer whole.
   */
  @Override
  public Optional<String> failure() {
    return failure.reason();
  }

  @Override
  public void start() {
    Topics topics = config.kafka().topics();
    TopicAdmin.ensure(
        config.kafka(),
        List.of(
            topics.fixesEnriched(),
            topics.detections(),
            topics.deployments(),
            topics.crossings(),
            topics.alerts(),
            topics.deadLetters(),
            topics.schemas()));
    int writers = config.fixWriters() + 5;
    store = Store.open(config.db(), "tugai-ingest", writers, false);
    store.migrate();
    deadLetters = new DeadLetterPublisher(config.kafka(), registry);

    for (int i = 0; i < config.fixWriters(); i++) {
      add(topics.fixesEnriched(), new FixTable(), false, "ingest-fixes-" + i);
    }
    add(topics.detections(), new CameraEventTable(), false, "ingest-camera-events");
    add(topics.deployments(), new DeploymentTable(), false, "ingest-deployments");
    add(topics.crossings(), new CrossingTable(), false, "ingest-crossings");
    add(topics.alerts(), new AlertTable(), false, "ingest-alerts");
    add(topics.deadLetters(), new DeadLetterTable(), true, "ingest-dead-letters");
    sinks.forEach(TopicSink::start);

    progress = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ingest-progress"));
    progress.scheduleAtFixedRate(
        () -> log.info("ingest progress: {} rows stored since start", counts()),
        PROGRESS_EVERY_S,
        PROGRESS_EVERY_S,
        TimeUnit.SECONDS);
    log.info(
        "ingest started: {} consumers in group {} writing to {}",
        sinks.size(),
        config.kafka().topicPrefix() + config.groupId(),
        config.db());
  }

  private <V> void add(
      TopicSpec<String, V> topic, Table<V> table, boolean isDeadLetterTopic, String name) {
    sinks.add(
        new TopicSink<>(
            topic,
            table,
            config,
            store.dataSource(),
            deadLetters,
            isDeadLetterTopic,
            registry,
            name,
            failure));
  }

  /** Rows stored per table since start. */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>();
    for (TopicSink<?> sink : sinks) {
      counts.merge(sink.tableName(), sink.rows(), Long::sum);
    }
    return counts;
  }

  @Override
  public void close() {
    if (progress != null) {
      progress.shutdownNow();
    }
    sinks.forEach(TopicSink::close);
    if (deadLetters != null) {
      deadLetters.close();
    }
    if (store != null) {
      store.close();
    }
    log.info("ingest stopped ({} rows stored)", counts());
  }
}
