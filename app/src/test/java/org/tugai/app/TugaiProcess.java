package org.tugai.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A {@code bin/tugai} service as a separate JVM, so a test can SIGKILL it like a power cut would.
 */
public final class TugaiProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private TugaiProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code bin/tugai <service>} and waits for its "<service> started" line. */
  public static TugaiProcess start(String service, Map<String, String> env, Path log)
      throws IOException {
    return start(service, service + " started", env, log);
  }

  /**
   * Starts {@code bin/tugai <command>} and waits for a log line containing {@code ready} (after any
   * already in the log).
   */
  public static TugaiProcess start(String service, String ready, Map<String, String> env, Path log)
      throws IOException {
    long before =
        Files.exists(log)
            ? Files.readAllLines(log).stream().filter(l -> l.contains(ready)).count()
            : 0;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                java,
                "-Xmx512m",
                "-Dlogback.configurationFile=tugai-logback.xml",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.reflect,org.tugai",
                "-cp",
                System.getProperty("java.class.path"),
                "org.tugai.app.Tugai",
                service));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    TugaiProcess started = new TugaiProcess(pb.start(), log);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              if (!started.process.isAlive()) {
                throw new IllegalStateException(service + " exited: " + Files.readString(log));
              }
              return Files.readAllLines(log).stream().filter(l -> l.contains(ready)).count()
                  > before;
            });
    return started;
  }

  /** The process's real PID, the one {@link #kill()} and {@link #close()} stop. */
  public long pid() {
    return process.pid();
  }

  /**
   * Waits for the process to end by itself; its exit code, or empty if it still runs after {@code
   * timeout}.
   */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no flush, no disconnect. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
