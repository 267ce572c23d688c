package org.tugai.gateway.camtrap;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Deployment;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.ImportPath;
import org.tugai.gateway.decode.Rejection;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.Topics;

/**
 * {@code bin/tugai import camtrap-dp DIR}: a Camtrap DP package into the pipeline as deployments
 * (the compacted deployments topic) and camera events (the detections topic), sent through the
 * gateway's producer and acknowledged by Kafka; every row left out is a dead letter with its file,
 * row and reason.
 *
 * <p>Records go in chunks, each acknowledged before the next is encoded, so that a package of a
 * million media neither holds its every record encoded at once nor outruns the producer's buffer;
 * the deployments go first, so that a consumer reading both topics finds an event's deployment
 * already there. Sending a package again sends the same records with the same keys: the compacted
 * topic and the store's natural keys make a re-run after an interruption harmless.
 */
public final class CamtrapDpImport implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CamtrapDpImport.class);

  /** Records per acknowledged chunk: large enough to keep the producer's batches full. */
  public static final int CHUNK = 2_000;

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  /** What one package became. */
  public record Report(
      int deployments, int events, int observations, List<CamtrapDpPackage.Problem> problems) {}

  private final ImportPath path;
  private final Topics topics;
  private final Clock clock;

  private CamtrapDpImport(ImportPath path, Topics topics, Clock clock) {
    this.path = path;
    this.topics = topics;
    this.clock = clock;
  }

  public static CamtrapDpImport open(GatewayConfig config, MeterRegistry meters, Clock clock)
      throws InterruptedException, ExecutionException, TimeoutException {
    return new CamtrapDpImport(
        ImportPath.open(config, meters, clock), config.kafka().topics(), clock);
  }

  /**
   * Reads the package in {@code dir} and returns once Kafka has every record it became.
   *
   * @param timeout how long one chunk of records may wait for Kafka's acknowledgement
   */
  public Report importPackage(Path dir, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    CamtrapDpPackage.Contents contents = CamtrapDpPackage.read(dir, clock.instant());
    List<Supplier<ProducerRecord<String, byte[]>>> records = new ArrayList<>();
    for (Deployment d : contents.deployments()) {
      records.add(
          () ->
              new ProducerRecord<>(
                  topics.deployments().name(),
                  d.getDeploymentId(),
                  topics
                      .deployments()
                      .valueSerde()
                      .serializer()
                      .serialize(topics.deployments().name(), d)));
    }
    for (CameraEvent e : contents.events()) {
      records.add(
          () ->
              new ProducerRecord<>(
                  topics.detections().name(),
                  e.getCameraId(),
                  topics
                      .detections()
                      .valueSerde()
                      .serializer()
                      .serialize(topics.detections().name(), e)));
    }
    for (CamtrapDpPackage.Problem p : contents.problems()) {
      String where = p.file() + " row " + p.row();
      records.add(
          () ->
              path.path()
                  .router()
                  .deadLetter(
                      where.getBytes(StandardCharsets.UTF_8),
                      contents.source(),
                      null,
                      new Rejection(ReasonCodes.MALFORMED_ROW, where + ": " + p.reason())));
    }
    long lastProgress = System.nanoTime();
    for (int from = 0; from < records.size(); from += CHUNK) {
      List<ProducerRecord<String, byte[]>> chunk =
          records.subList(from, Math.min(records.size(), from + CHUNK)).stream()
              .map(Supplier::get)
              .toList();
      CompletableFuture<Void> sent = new CompletableFuture<>();
      path.path().forwarder().forward(chunk, () -> sent.complete(null));
      path.await(
          sent, dir + " (records " + (from + 1) + " to " + (from + chunk.size()) + ")", timeout);
      if (System.nanoTime() - lastProgress > PROGRESS_EVERY.toNanos()) {
        lastProgress = System.nanoTime();
        log.info(
            "{}: {} of {} records acknowledged by Kafka", dir, from + chunk.size(), records.size());
      }
    }
    return new Report(
        contents.deployments().size(),
        contents.events().size(),
        contents.observations(),
        contents.problems());
  }

  @Override
  public void close() {
    path.close();
  }
}
