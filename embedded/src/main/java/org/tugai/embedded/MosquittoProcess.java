package org.tugai.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Mosquitto broker process with persistence and queues sized as an operator would size them
 * (the Debian defaults drop QoS 1 messages past 1000 queued for an offline session). For tests that
 * kill and restart clients under load. Needs the {@code mosquitto} binary on the PATH.
 */
public final class MosquittoProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MosquittoProcess.class);

  private volatile Process process;
  private final Path home;
  private final int port;

  private MosquittoProcess(Process process, Path home, int port) {
    this.process = process;
    this.home = home;
    this.port = port;
    // A harness stopped by a signal must not leave its broker running: the process started last,
    // exactly.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Process current = this.process;
                  if (current != null && current.isAlive()) {
                    current.destroy();
                  }
                },
                "stop-mosquitto-" + port));
  }

  /** The mosquitto binary, if this machine has one. */
  public static Optional<Path> binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "mosquitto");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    Path sbin = Path.of("/usr/sbin/mosquitto");
    return Files.isExecutable(sbin) ? Optional.of(sbin) : Optional.empty();
  }

  /** An open broker (anonymous clients allowed), with {@code extraConfig} lines appended. */
  public static MosquittoProcess start(String extraConfig)
      throws IOException, InterruptedException {
    return start("allow_anonymous true", extraConfig);
  }

  /**
   * A broker with the security settings {@code securityConf} (for tests: the shipped
   * deploy/mosquitto/secure.conf) that admits only the users of {@code passwordFile}, each limited
   * by {@code aclFile}.
   */
  public static MosquittoProcess startSecure(Path securityConf, Path passwordFile, Path aclFile)
      throws IOException, InterruptedException {
    return start(
        Files.readString(securityConf)
            + "\npassword_file "
            + passwordFile
            + "\nacl_file "
            + aclFile,
        "");
  }

  private static MosquittoProcess start(String access, String extraConfig)
      throws IOException, InterruptedException {
    Path binary =
        binary()
            .orElseThrow(
                () ->
                    new IOException(
                        "mosquitto is not installed (Debian: apt-get install mosquitto)"));
    Path home = Files.createTempDirectory("tugai-mosquitto-");
    int port = FreePorts.pick();
    Path conf = home.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        """
        listener %d 127.0.0.1
        %s
        persistence true
        persistence_location %s/
        max_queued_messages 1000000
        max_queued_bytes 0
        log_dest file %s/mosquitto.log
        user %s
        %s
        """
            .formatted(port, access, home, home, System.getProperty("user.name"), extraConfig));
    MosquittoProcess mosquitto = new MosquittoProcess(launch(binary, home), home, port);
    try {
      mosquitto.awaitListening();
    } catch (IOException e) {
      mosquitto.close();
      throw e;
    }
    return mosquitto;
  }

  private static Process launch(Path binary, Path home) throws IOException {
    return new ProcessBuilder(binary.toString(), "-c", home.resolve("mosquitto.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("stdout.log").toFile()))
        .start();
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("mosquitto exited: " + Files.readString(home.resolve("stdout.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        log.info("Mosquitto process ready at {}", url());
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("mosquitto did not listen on " + port + " within 10 s");
  }

  /**
   * Stops the broker as an operator would (SIGTERM: it writes its persistence file) and starts it
   * again on the same port with the same data: persistent sessions and their queued messages
   * survive.
   */
  public void restart() throws IOException, InterruptedException {
    stopProcess();
    process = launch(binary().orElseThrow(), home);
    awaitListening();
  }

  private void stopProcess() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path home() {
    return home;
  }

  @Override
  public void close() {
    stopProcess();
    FreePorts.deleteTree(home);
  }
}
