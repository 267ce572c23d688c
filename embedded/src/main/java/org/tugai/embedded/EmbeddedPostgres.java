package org.tugai.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky's binaries from Maven Central) on a free port, data in a
 * temporary folder.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

  /** The postmaster started by {@link #startAgain}, which zonky does not know about. */
  private Process restarted;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedPostgres start() throws IOException {
    long t0 = System.nanoTime();
    var postgres =
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
            .setPort(FreePorts.pick())
            .setServerConfig("max_connections", "200")
            // The store is throwaway: trade durability for speed, as the demo and tests want.
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .start();
    EmbeddedPostgres pg = new EmbeddedPostgres(postgres);
    log.info(
        "embedded PostgreSQL ready at {} in {} ms",
        pg.jdbcUrl("postgres"),
        (System.nanoTime() - t0) / 1_000_000);
    return pg;
  }

  /**
   * Stops the server the way {@code pg_ctl stop -m fast} does, by sending the postmaster SIGINT
   * (fast shutdown: every client connection is cut, the data is written out). pg_ctl itself refuses
   * to run as root, which CI machines are. For fault tests; {@link #startAgain} brings the same
   * data back on the same port.
   */
  public void stopFast() throws IOException, InterruptedException {
    long pid =
        Long.parseLong(
            java.nio.file.Files.readAllLines(dataDirectory().resolve("postmaster.pid"))
                .get(0)
                .strip());
    Process kill =
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).redirectErrorStream(true).start();
    if (kill.waitFor() != 0) {
      throw new IOException(
          "kill -INT "
              + pid
              + " failed: "
              + new String(kill.getInputStream().readAllBytes()).strip());
    }
    Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
    if (postmaster.isPresent()) {
      try {
        postmaster.get().onExit().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("PostgreSQL (pid " + pid + ") did not stop within 60 s", e);
      }
    }
    log.info("embedded PostgreSQL on port {} stopped (fast shutdown)", port());
  }

  /**
   * Starts the server stopped by {@link #stopFast} again, on the same port and data, and waits
   * until it answers.
   */
  public void startAgain() throws IOException, InterruptedException {
    Path data = dataDirectory();
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      // As zonky does: PostgreSQL refuses to run as root, but runs in a user namespace where root
      // is nobody.
      command.addAll(java.util.List.of("unshare", "-U"));
    }
    command.addAll(
        List.of(
            binaries().resolve("bin").resolve("postgres").toString(),
            "-D",
            data.toString(),
            "-p",
            Integer.toString(port()),
            "-F",
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=200",
            "-c",
            "synchronous_commit=off"));
    restarted =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("restart.log").toFile())
            .start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "")) {
        break;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline || !restarted.isAlive()) {
          String logged =
              java.nio.file.Files.exists(data.resolve("restart.log"))
                  ? java.nio.file.Files.readString(data.resolve("restart.log"))
                  : "";
          throw new IOException(
              "PostgreSQL did not come back on port "
                  + port()
                  + ": "
                  + e.getMessage()
                  + "\n"
                  + logged,
              e);
        }
        Thread.sleep(100);
      }
    }
    log.info("embedded PostgreSQL on port {} started again", port());
  }

  /** zonky keeps its folders private; fault tests need pg_ctl on the very same data. */
  private Path binaries() {
    return field("pgDir");
  }

  private Path dataDirectory() {
    return field("dataDirectory");
  }

  private Path field(String name) {
    try {
      var f = postgres.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return ((File) f.get(postgres)).toPath();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this zonky version does not keep '" + name + "' as expected", e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  public String user() {
    return "postgres";
  }

  /** Creates a database if it does not exist yet. */
  public void createDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "")) {
      boolean exists;
      try (var rs =
          c.createStatement()
              .executeQuery(
                  "SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'")) {
        exists = rs.next();
      }
      if (!exists) {
        c.createStatement().execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
      }
    }
  }

  @Override
  public void close() {
    // zonky's close stops whatever postmaster holds the data directory (pg_ctl reads its pid
    // there), the one started again after a fault too, then removes the directory; stopping that
    // one first made pg_ctl fail with an ERROR at the end of every run that had restarted it.
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
    }
    if (restarted != null && restarted.isAlive()) {
      restarted.destroy();
      try {
        if (!restarted.waitFor(30, TimeUnit.SECONDS)) {
          restarted.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        restarted.destroyForcibly();
      }
    }
  }
}
