package org.tugai.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.failure.Failure;
import org.tugai.core.failure.KafkaFailures;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.service.ServiceFailure;
import org.tugai.core.service.TugaiService;
import org.tugai.schemas.Topics;
import org.tugai.streams.geo.Geodata;

/**
 * Runs the Kafka Streams topology; its state lives in changelogged stores, so instances can come
 * and go.
 */
public final class StreamsService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  private final StreamsServiceConfig config;
  private KafkaStreams streams;
  private final ServiceFailure failure = new org.tugai.core.service.ServiceFailure("streams");
  private volatile boolean closing;

  /**
   * Thread replacements lately: a bug that fails on the same record again and again is not worked
   * around forever.
   */
  private final Deque<Instant> replacements = new ArrayDeque<>();

  static final int MAX_REPLACEMENTS = 3;
  static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

  /** Streams in ERROR, stopped while not closing, or given up on a thread that keeps failing. */
  @Override
  public Optional<String> failure() {
    return failure.reason();
  }

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
    // Every topic, with the same partition count: the lifecycle joins alert updates and acks by
    // partition.
    TopicAdmin.ensure(config.kafka(), topics.all());
    Geodata geo = config.geodata();
    log.info(
        "geodata: countries from {}, {} zones from {}",
        config.countriesFile(),
        geo.featureCount(),
        config.zoneFiles());
    Topology topology = StreamsApplication.build(topics, config, geo);
    log.debug("topology:\n{}", topology.describe());
    streams = new KafkaStreams(topology, config.streamsProperties(topics.deadLetters().name()));
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          log.info("streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
          if (!closing
              && (now == KafkaStreams.State.ERROR
                  || now == KafkaStreams.State.PENDING_SHUTDOWN
                  || now == KafkaStreams.State.NOT_RUNNING)) {
            failure.fail(
                "Kafka Streams went " + before + " -> " + now + " while the service was running");
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          if (KafkaFailures.classify(e) == Failure.SYSTEMIC) {
            failure.fail(
                "Kafka refuses the streams application: " + e + "; check its credentials and ACLs");
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          }
          synchronized (replacements) {
            Instant now = Instant.now();
            replacements.addLast(now);
            while (replacements.peekFirst().isBefore(now.minus(REPLACEMENT_WINDOW))) {
              replacements.removeFirst();
            }
            if (replacements.size() > MAX_REPLACEMENTS) {
              failure.fail(
                  "stream threads failed "
                      + replacements.size()
                      + " times within "
                      + REPLACEMENT_WINDOW.toMinutes()
                      + " min,"
                      + " last: "
                      + e);
              return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
          }
          // A processing bug must not silently stall the pipeline: replace the thread and say so
          // loudly.
          log.error("stream thread failed; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
    if (!running.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "Kafka Streams did not reach RUNNING within 120 s (state " + streams.state() + ")");
    }
    log.info(
        "streams started: {} -> {} + {}; alert rules {} -> {} (application id {}, {}, state in {})",
        topics.fixes().name(),
        topics.fixesEnriched().name(),
        topics.crossings().name(),
        config.alerts().enabled() ? "on" : "off",
        topics.alerts().name(),
        config.kafka().topicPrefix() + config.applicationId(),
        config.processingGuarantee(),
        config.stateDir());
  }

  @Override
  public void close() {
    closing = true;
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
      log.info("streams stopped");
    }
  }
}
