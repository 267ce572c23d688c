package org.tugai.gateway.files;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.tugai.gateway.ForwardingPath;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.decode.NativeFixDecoder;

/**
 * {@code bin/tugai import FORMAT FILE...}: vendor files through the gateway's own path (validation, deployment check,
 * dead letters, acknowledgement by Kafka), without a running gateway. A file is reported imported only once Kafka
 * has every record it became.
 */
public final class FileImport implements AutoCloseable {

  private final ForwardingPath path;
  private final FileIntake intake;
  /** Why Kafka refuses the records for good (credentials, ACLs), once it said so. */
  private final AtomicReference<String> refused;

  private FileImport(ForwardingPath path, FileIntake intake, AtomicReference<String> refused) {
    this.path = path;
    this.intake = intake;
    this.refused = refused;
  }

  public static FileImport open(GatewayConfig config, MeterRegistry meters, Clock clock)
      throws InterruptedException, ExecutionException, TimeoutException {
    GatewayMetrics metrics = new GatewayMetrics(meters);
    AtomicReference<String> refused = new AtomicReference<>();
    ForwardingPath path = ForwardingPath.open(config, metrics, clock, why -> refused.compareAndSet(null, why));
    return new FileImport(path, new FileIntake(new NativeFixDecoder(path.window()), path.router(), path.forwarder(), metrics, clock),
        refused);
  }

  /**
   * @param format the file's format, or empty to recognise it by its header
   * @throws IOException when the file cannot be read or is in no known format
   */
  public FileIntake.Report importFile(Path file, Optional<VendorFormat> format, Duration timeout)
      throws IOException, InterruptedException, TimeoutException, ExecutionException {
    String text = VendorText.decode(Files.readAllBytes(file));
    VendorFormat f = format.or(() -> VendorFormat.detect(text))
        .orElseThrow(() -> new IOException(file + " has no header of a known vendor format " + java.util.List.of(VendorFormat.values())));
    String name = file.getFileName().toString();
    java.util.concurrent.CompletableFuture<FileIntake.Report> sent = intake.submit(name, f.parse(text, name));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return sent.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (refused.get() != null) {
          throw new IOException(refused.get());
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("Kafka did not acknowledge all of " + name + " within " + timeout);
        }
      }
    }
  }

  @Override
  public void close() {
    intake.close();
    path.flush();
    path.close();
  }
}
