package org.tugai.gateway.files;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.tugai.avro.Fix;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.ack.KafkaForwarder;
import org.tugai.gateway.decode.Decoded;
import org.tugai.gateway.decode.InputLimits;
import org.tugai.gateway.decode.NativeFixDecoder;
import org.tugai.gateway.decode.Rejection;
import org.tugai.gateway.route.MessageRouter;
import org.tugai.schemas.Channels;
import org.tugai.schemas.ReasonCodes;

/**
 * A vendor file's fixes into the gateway's path: each row validated as a native MQTT fix and
 * checked against the deployments, sent in batches, bad rows dead-lettered with their line and
 * reason. The returned future completes once Kafka acknowledged every record of the file, fixes and
 * dead letters: only then may the file be moved away or the e-mail marked done.
 */
public final class FileIntake {

  /**
   * Rows sent to the producer before the next batch is built: bounds what one file holds in memory
   * at once.
   */
  static final int BATCH = 500;

  private final NativeFixDecoder decoder;
  private final MessageRouter router;
  private final KafkaForwarder forwarder;
  private final GatewayMetrics metrics;
  private final Clock clock;

  /**
   * Where files are sent from: the producer blocks while Kafka is away, and the inbox or mailbox
   * must stay free to give up waiting and try again later. One thread, so a long outage holds at
   * most one file's records.
   */
  private final ExecutorService sending;

  public FileIntake(
      NativeFixDecoder decoder,
      MessageRouter router,
      KafkaForwarder forwarder,
      GatewayMetrics metrics,
      Clock clock) {
    this.decoder = decoder;
    this.router = router;
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.clock = clock;
    this.sending =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "gateway-files-send");
              t.setDaemon(true);
              return t;
            });
  }

  /** Stops sending; what was not acknowledged stays in its file or mailbox. */
  public void close() {
    sending.shutdownNow();
  }

  /** One row that did not become a fix: the file's line, the reason code and the reason. */
  public record Problem(long line, String code, String reason) {}

  /** What a file became, once Kafka has all of it. */
  public record Report(
      String file, VendorFormat format, int fixes, int repeats, List<Problem> problems) {}

  public CompletableFuture<Report> submit(String fileName, VendorFormat.Parsed parsed) {
    String source = Channels.IMPORT_PREFIX + parsed.format().cliName() + ":" + fileName;
    List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
    List<List<ProducerRecord<String, byte[]>>> batches = new ArrayList<>();
    List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
    int fixes = 0;
    for (VendorFormat.Skipped s : parsed.skipped()) {
      problems.add(new Problem(s.line(), ReasonCodes.MALFORMED_ROW, s.reason()));
      batch.add(
          router.deadLetter(
              s.text().getBytes(StandardCharsets.UTF_8),
              source + ":" + s.line(),
              null,
              new Rejection(ReasonCodes.MALFORMED_ROW, "line " + s.line() + ": " + s.reason())));
    }
    for (VendorFormat.Row row : parsed.rows()) {
      byte[] bytes = row.fix().toString().getBytes(StandardCharsets.UTF_8);
      String idProblem = InputLimits.idProblem("collar id", row.collarId());
      if (idProblem != null) {
        problems.add(new Problem(row.line(), ReasonCodes.INVALID_ID, idProblem));
        batch.add(
            router.deadLetter(
                bytes,
                source + ":" + row.line(),
                null,
                new Rejection(ReasonCodes.INVALID_ID, "line " + row.line() + ": " + idProblem)));
      } else {
        Decoded<Fix> decoded = decoder.decode(row.collarId(), bytes, source, clock.instant());
        MessageRouter.Routed routed = router.fixesWithReasons(decoded, bytes, source);
        routed
            .rejections()
            .forEach(r -> problems.add(new Problem(row.line(), r.code(), r.reason())));
        fixes += routed.records().size() - routed.rejections().size();
        batch.addAll(routed.records());
      }
      if (batch.size() >= BATCH) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty() || batches.isEmpty()) {
      batches.add(batch);
    }
    Report report = new Report(fileName, parsed.format(), fixes, parsed.repeats(), problems);
    return send(batches, report);
  }

  private <T> CompletableFuture<T> send(
      List<List<ProducerRecord<String, byte[]>>> batches, T result) {
    CompletableFuture<T> done = new CompletableFuture<>();
    AtomicInteger outstanding = new AtomicInteger(batches.size());
    try {
      sending.execute(
          () -> {
            for (List<ProducerRecord<String, byte[]>> b : batches) {
              metrics.received();
              forwarder.forward(
                  b,
                  () -> {
                    if (outstanding.decrementAndGet() == 0) {
                      done.complete(result);
                    }
                  });
            }
          });
    } catch (RejectedExecutionException closing) {
      done.completeExceptionally(closing);
    }
    return done;
  }

  /**
   * A file no format can read: one dead letter holding it (up to the payload limit); completes once
   * Kafka has it.
   */
  public CompletableFuture<Void> unreadable(
      String channel, String fileName, byte[] bytes, String reason) {
    return send(
        List.of(
            List.of(
                router.deadLetter(
                    bytes,
                    channel + ":" + fileName,
                    null,
                    new Rejection(ReasonCodes.UNREADABLE_FILE, reason)))),
        null);
  }
}
