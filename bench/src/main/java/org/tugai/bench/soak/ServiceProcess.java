package org.tugai.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/tugai <service>} as its own JVM, with its real PID: started, SIGKILLed and started
 * again by the soak harness as a supervisor would, its output appended to one log file.
 */
final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final String service;
  private final Map<String, String> env;
  private final Path log;
  private final String heap;
  private final List<String> args;
  private volatile Process process;
  private boolean hooked;

  ServiceProcess(String name, String service, Map<String, String> env, Path log) {
    this(name, service, env, log, "-Xmx384m");
  }

  /**
   * @param heap the JVM's heap option, e.g. {@code -Xmx1g} for all services in one process
   */
  ServiceProcess(String name, String service, Map<String, String> env, Path log, String heap) {
    this(name, service, env, log, heap, List.of());
  }

  /**
   * @param args after the service's name, e.g. {@code --config FILE}
   */
  ServiceProcess(
      String name,
      String service,
      Map<String, String> env,
      Path log,
      String heap,
      List<String> args) {
    this.args = List.copyOf(args);
    this.name = name;
    this.service = service;
    this.env = Map.copyOf(env);
    this.log = log;
    this.heap = heap;
  }

  /** Resident memory of the process now, from /proc (Linux), in MB; -1 where /proc is not there. */
  long rssMb() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Starts the process and waits for its "tugai started" line. */
  void start() throws IOException, InterruptedException {
    long before = startedLines();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                heap,
                "-Dlogback.configurationFile=tugai-logback.xml",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.reflect,org.tugai",
                "-cp",
                System.getProperty("java.class.path"),
                "org.tugai.app.Tugai",
                service));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = pb.start();
    if (!hooked) {
      // A harness stopped by a signal must not leave its services running: stop exactly the process
      // started last.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    if (process != null && process.isAlive()) {
                      process.destroyForcibly();
                    }
                  },
                  "stop-" + name));
      hooked = true;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (startedLines() <= before) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(name + " did not start within 180 s; see " + log);
      }
      Thread.sleep(100);
    }
  }

  private long startedLines() throws IOException {
    return Files.exists(log)
        ? Files.readAllLines(log).stream().filter(l -> l.contains("tugai started")).count()
        : 0;
  }

  /** SIGKILL: no shutdown hook, no flush, no disconnect. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
