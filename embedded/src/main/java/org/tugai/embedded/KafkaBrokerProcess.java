package org.tugai.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker process from {@code deploy/kafka}, on a fixed port, that a test can stop and
 * start again.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

  private final Path root = Path.of(System.getProperty("tugai.root", ".."));
  private final Path dir;
  private final int port = FreePorts.pick();
  private final int controllerPort = FreePorts.pick();

  public KafkaBrokerProcess(Path dir) {
    this.dir = dir;
    // A harness stopped by a signal (Ctrl-C on bin/bench soak) must not leave its broker running:
    // stop exactly the process start.sh recorded.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy),
                "stop-kafka-" + port));
  }

  /** The broker's process id while start.sh's pid file names one. */
  public Optional<Long> pid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(dir.resolve("kafka.pid")).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public void start() throws IOException, InterruptedException {
    run(
        List.of(
            root.resolve("deploy/kafka/start.sh").toString(),
            String.valueOf(port),
            dir.toString()));
  }

  public void stop() throws IOException, InterruptedException {
    run(List.of(root.resolve("deploy/kafka/stop.sh").toString(), dir.toString()));
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("script.log").toFile()));
    pb.environment().put("KAFKA_CONTROLLER_PORT", String.valueOf(controllerPort));
    Files.createDirectories(dir);
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(command + " failed: " + Files.readString(dir.resolve("script.log")));
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }
}
