package org.tugai.streams;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.service.TugaiService;
import org.tugai.schemas.Topics;
import org.tugai.streams.geo.Geodata;

/** Runs the Kafka Streams topology; its state lives in changelogged stores, so instances can come and go. */
public final class StreamsService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  private final StreamsServiceConfig config;
  private KafkaStreams streams;

  public StreamsService(StreamsServiceConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "streams";
  }

  @Override
  public void start() throws Exception {
    Topics topics = config.kafka().topics();
    // Every topic, with the same partition count: the lifecycle joins alert updates and acks by partition.
    TopicAdmin.ensure(config.kafka(), topics.all());
    Geodata geo = config.geodata();
    log.info("geodata: countries from {}, {} zones from {}", config.countriesFile(), geo.featureCount(), config.zoneFiles());
    Topology topology = FixTopology.build(topics, config, geo);
    log.debug("topology:\n{}", topology.describe());
    streams = new KafkaStreams(topology, config.streamsProperties(topics.deadLetters().name()));
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      log.info("streams state {} -> {}", before, now);
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      // A processing bug must not silently stall the pipeline: replace the thread and say so loudly.
      log.error("stream thread failed; replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    if (!running.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Kafka Streams did not reach RUNNING within 120 s (state " + streams.state() + ")");
    }
    log.info("streams started: {} -> {} + {}; alert rules {} -> {} (application id {}, {}, state in {})", topics.fixes().name(),
        topics.fixesEnriched().name(), topics.crossings().name(), config.alerts().enabled() ? "on" : "off", topics.alerts().name(),
        config.kafka().topicPrefix() + config.applicationId(), config.processingGuarantee(), config.stateDir());
  }

  @Override
  public void close() {
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
      log.info("streams stopped");
    }
  }
}
