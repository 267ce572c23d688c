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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Deployment;
import org.tugai.gateway.ForwardingPath;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.decode.Rejection;
import org.tugai.schemas.Topics;

/**
 * {@code bin/tugai import camtrap-dp DIR}: a Camtrap DP package into the pipeline as deployments (the compacted
 * deployments topic) and camera events (the detections topic), sent through the gateway's producer and
 * acknowledged by Kafka; every row left out is a dead letter with its file, row and reason.
 */
public final class CamtrapDpImport implements AutoCloseable {

  /** What one package became. */
  public record Report(int deployments, int events, int observations, List<CamtrapDpPackage.Problem> problems) {}

  private final ForwardingPath path;
  private final Topics topics;
  private final Clock clock;
  private final AtomicReference<String> refused;

  private CamtrapDpImport(ForwardingPath path, Topics topics, Clock clock, AtomicReference<String> refused) {
    this.path = path;
    this.topics = topics;
    this.clock = clock;
    this.refused = refused;
  }

  public static CamtrapDpImport open(GatewayConfig config, MeterRegistry meters, Clock clock)
      throws InterruptedException, ExecutionException, TimeoutException {
    AtomicReference<String> refused = new AtomicReference<>();
    ForwardingPath path = ForwardingPath.open(config, new GatewayMetrics(meters), clock, why -> refused.compareAndSet(null, why));
    return new CamtrapDpImport(path, config.kafka().topics(), clock, refused);
  }

  /** Reads the package in {@code dir} and returns once Kafka has every record it became. */
  public Report importPackage(Path dir, Duration timeout) throws IOException, InterruptedException, TimeoutException {
    CamtrapDpPackage.Contents contents = CamtrapDpPackage.read(dir, clock.instant());
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (Deployment d : contents.deployments()) {
      records.add(new ProducerRecord<>(topics.deployments().name(), d.getDeploymentId(),
          topics.deployments().valueSerde().serializer().serialize(topics.deployments().name(), d)));
    }
    for (CameraEvent e : contents.events()) {
      records.add(new ProducerRecord<>(topics.detections().name(), e.getCameraId(),
          topics.detections().valueSerde().serializer().serialize(topics.detections().name(), e)));
    }
    String source = org.tugai.schemas.Channels.IMPORT_PREFIX + "camtrap-dp:" + dir.getFileName();
    for (CamtrapDpPackage.Problem p : contents.problems()) {
      String where = p.file() + " row " + p.row();
      records.add(path.router().deadLetter(where.getBytes(StandardCharsets.UTF_8), source, null,
          new Rejection(Rejection.MALFORMED_ROW, where + ": " + p.reason())));
    }
    CompletableFuture<Void> sent = new CompletableFuture<>();
    path.forwarder().forward(records, () -> sent.complete(null));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        sent.get(200, TimeUnit.MILLISECONDS);
        return new Report(contents.deployments().size(), contents.events().size(), contents.observations(), contents.problems());
      } catch (TimeoutException e) {
        if (refused.get() != null) {
          throw new IOException(refused.get());
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("Kafka did not acknowledge all of " + dir + " within " + timeout);
        }
      } catch (ExecutionException e) {
        throw new IOException("the package could not be sent: " + e.getCause(), e.getCause());
      }
    }
  }

  @Override
  public void close() {
    path.flush();
    path.close();
  }
}
