package org.tugai.gateway.files;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.tugai.gateway.ForwardingPath;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.ImportPath;
import org.tugai.gateway.decode.NativeFixDecoder;

/**
 * {@code bin/tugai import FORMAT FILE...}: vendor files through the gateway's own path (validation,
 * deployment check, dead letters, acknowledgement by Kafka), without a running gateway. A file is
 * reported imported only once Kafka has every record it became.
 */
public final class FileImport implements AutoCloseable {

  private final ImportPath path;
  private final FileIntake intake;

  private FileImport(ImportPath path, FileIntake intake) {
    this.path = path;
    this.intake = intake;
  }

  public static FileImport open(GatewayConfig config, MeterRegistry meters, Clock clock)
      throws InterruptedException, ExecutionException, TimeoutException {
    ImportPath path = ImportPath.open(config, meters, clock);
    ForwardingPath forwarding = path.path();
    return new FileImport(
        path,
        new FileIntake(
            new NativeFixDecoder(forwarding.window()),
            forwarding.router(),
            forwarding.forwarder(),
            path.metrics(),
            clock));
  }

  /**
   * @param format the file's format, or empty to recognise it by its header
   * @throws IOException when the file cannot be read, is in no known format, or Kafka refuses its
   *     records
   */
  public FileIntake.Report importFile(Path file, Optional<VendorFormat> format, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    String text = VendorText.decode(Files.readAllBytes(file));
    VendorFormat f =
        format
            .or(() -> VendorFormat.detect(text))
            .orElseThrow(
                () ->
                    new IOException(
                        file
                            + " has no header of a known vendor format "
                            + List.of(VendorFormat.values())));
    String name = file.getFileName().toString();
    return path.await(intake.submit(name, f.parse(text, name)), name, timeout);
  }

  @Override
  public void close() {
    intake.close();
    path.close();
  }
}
