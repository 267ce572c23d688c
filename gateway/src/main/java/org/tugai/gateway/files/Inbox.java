package org.tugai.gateway.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.schemas.Channels;

/**
 * A folder vendors' files are dropped into (by hand, by the vendor software's export, by a sync
 * job): each file is read once it has stopped changing, its fixes sent, and only once Kafka has all
 * of them is it moved to {@code done/}. A file no format reads goes to {@code failed/} with a
 * {@code .reason} beside it, and its bytes to the dead letters. A file whose content was imported
 * before (its SHA-256 is in {@code done/.imported}) changes nothing and is moved along. A gateway
 * stopped mid-file leaves the file where it was: the next start reads it again, and the fixes'
 * natural key makes the second reading harmless.
 */
public final class Inbox implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Inbox.class);
  static final String DONE = "done";
  static final String FAILED = "failed";
  static final String LEDGER = ".imported";

  private final FileSettings.InboxSettings settings;
  private final FileIntake intake;
  private final Clock clock;
  private final GatewayMetrics metrics;
  private final Set<String> imported = new HashSet<>();
  private ScheduledExecutorService poller;

  public Inbox(
      FileSettings.InboxSettings settings, FileIntake intake, Clock clock, GatewayMetrics metrics) {
    this.settings = settings;
    this.intake = intake;
    this.clock = clock;
    this.metrics = metrics;
  }

  public void start() throws IOException {
    Files.createDirectories(settings.dir().resolve(DONE));
    Files.createDirectories(settings.dir().resolve(FAILED));
    Path ledger = settings.dir().resolve(DONE).resolve(LEDGER);
    if (Files.exists(ledger)) {
      for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
        if (line.length() >= 64) {
          imported.add(line.substring(0, 64));
        }
      }
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gateway-inbox"));
    poller.scheduleWithFixedDelay(
        this::pollSafely, 0, settings.pollEvery().toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "inbox: importing vendor files dropped into {} every {} ({} imported before)",
        settings.dir(),
        settings.pollEvery(),
        imported.size());
  }

  private void pollSafely() {
    try {
      poll();
    } catch (IOException e) {
      log.warn(
          "inbox {} cannot be read: {}; trying again in {}",
          settings.dir(),
          e.toString(),
          settings.pollEvery());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // One bad file must not end the polling: the scheduler would silently stop running this task.
      log.error("inbox poll failed; trying again in {}", settings.pollEvery(), e);
    }
  }

  /** What to do with a file once Kafka has all it became. */
  @FunctionalInterface
  private interface Finish {
    void run() throws IOException;
  }

  /** A file handed to Kafka whose acknowledgements had not all come when its wait ran out. */
  private record Pending(String name, CompletableFuture<?> sent, Finish finish) {}

  private Pending pending;
  private long lastWaitLog;

  /** One pass over the folder (public for tests that drive it). */
  public void poll() throws IOException, InterruptedException {
    if (pending != null) {
      if (!pending.sent().isDone()) {
        if (clock.millis() - lastWaitLog > 60_000) {
          lastWaitLog = clock.millis();
          log.info(
              "inbox: still waiting for Kafka to take {}; no other file is read meanwhile",
              pending.name());
        }
        return;
      }
      Pending p = pending;
      pending = null;
      if (p.sent().isCompletedExceptionally()) {
        log.warn("inbox: {} was not sent; it stays in the inbox and is read again", p.name());
      } else {
        p.finish().run();
      }
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(settings.dir())) {
      files =
          list.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
    }
    Instant settledBefore = clock.instant().minus(settings.settle());
    for (Path file : files) {
      if (Files.getLastModifiedTime(file).toInstant().isAfter(settledBefore)) {
        continue; // still being written: next pass
      }
      if (!take(file)) {
        return;
      }
    }
  }

  /**
   * False when Kafka did not take the file in time: it stays pending, and nothing more is read
   * until it is done.
   */
  private boolean take(Path file) throws IOException, InterruptedException {
    String name = file.getFileName().toString();
    byte[] bytes = Files.readAllBytes(file);
    String hash = sha256(bytes);
    if (imported.contains(hash)) {
      log.info("inbox: {} holds what was imported before; moved to {}/ unchanged", name, DONE);
      metrics.file("inbox", "repeat");
      move(file, DONE);
      return true;
    }
    String text = VendorText.decode(bytes);
    Optional<VendorFormat> format = VendorFormat.detect(text);
    CompletableFuture<?> sent;
    Finish finish;
    if (format.isEmpty()) {
      String reason =
          name + " has no header of a known vendor format (" + List.of(VendorFormat.values()) + ")";
      sent = intake.unreadable(Channels.IMPORT_PREFIX + "inbox", name, bytes, reason);
      finish =
          () -> {
            Path moved = move(file, FAILED);
            Files.writeString(
                moved.resolveSibling(moved.getFileName() + ".reason"),
                reason + "\n",
                StandardCharsets.UTF_8);
            metrics.file("inbox", "unreadable");
            log.warn("inbox: {}; moved to {}/ and kept as a dead letter", reason, FAILED);
          };
    } else {
      CompletableFuture<FileIntake.Report> report =
          intake.submit(name, format.get().parse(text, name));
      sent = report;
      finish =
          () -> {
            Files.writeString(
                settings.dir().resolve(DONE).resolve(LEDGER),
                hash + " " + name + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
            imported.add(hash);
            move(file, DONE);
            metrics.file("inbox", "imported");
            FileIntake.Report r = report.join();
            log.info(
                "inbox: {} ({}) imported: {} fixes, {} repeated messages dropped, {} rows refused{}",
                name,
                format.get().cliName(),
                r.fixes(),
                r.repeats(),
                r.problems().size(),
                r.problems().isEmpty()
                    ? ""
                    : " (first: line "
                        + r.problems().get(0).line()
                        + ": "
                        + r.problems().get(0).reason()
                        + ")");
          };
    }
    try {
      sent.get(settings.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending = new Pending(name, sent, finish);
      metrics.file("inbox", "unconfirmed");
      log.warn(
          "inbox: Kafka did not take all of {} within {}; it stays in the inbox until Kafka has it",
          name,
          settings.confirmTimeout());
      return false;
    } catch (ExecutionException e) {
      log.warn("inbox: {} not sent ({}); it stays in the inbox", name, e.getCause().toString());
      return false;
    }
    finish.run();
    return true;
  }

  private Path move(Path file, String to) throws IOException {
    Path target = settings.dir().resolve(to).resolve(file.getFileName());
    if (Files.exists(target)) {
      target = target.resolveSibling(clock.millis() + "-" + file.getFileName());
    }
    return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void close() {
    org.tugai.core.service.Executors.stop(poller, Duration.ofSeconds(10));
  }
}
