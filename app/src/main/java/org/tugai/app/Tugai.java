package org.tugai.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.app.imports.ImportCommand;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.app.replay.ReplayCommand;
import org.tugai.app.sim.SimulateCommand;
import org.tugai.app.token.TokenCommand;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;
import org.tugai.core.service.HealthReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code bin/tugai}: the one entry point. */
@Command(
    name = "tugai",
    mixinStandardHelpOptions = true,
    version = "tugai 0.1.0",
    scope = CommandLine.ScopeType.INHERIT,
    description = "Field-monitoring pipeline for wildlife conservation.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (a file not sent, an unexpected error)",
      "2:usage error (unknown option, bad argument)",
      "3:done, but some input rows were refused (each reported with its line)",
      "70:a running service failed",
      "78:configuration error (the message names the key)"
    },
    subcommands = {
      Tugai.Run.class,
      Tugai.Gateway.class,
      Tugai.Streams.class,
      Tugai.Ingest.class,
      Tugai.Api.class,
      Demo.class,
      RegistryCommand.class,
      TokenCommand.class,
      ReplayCommand.class,
      SimulateCommand.class,
      ImportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Tugai implements RegistryCommand.Environment {

  /** Exit code for a mistake on the command line: picocli's own. */
  public static final int USAGE_ERROR = 2;

  /**
   * Exit code when the work was done but some input rows were refused (registry import, vendor
   * import, replay).
   */
  public static final int REFUSED_ROWS = 3;

  /** Exit code for a configuration mistake: sysexits' EX_CONFIG. */
  public static final int CONFIG_ERROR = 78;

  /**
   * Exit code when a service failed while running (a systemic failure, a dead thread): sysexits'
   * EX_SOFTWARE.
   */
  public static final int SERVICE_FAILED = 70;

  private static final Logger log = LoggerFactory.getLogger(Tugai.class);

  private final Map<String, String> env;

  private Tugai(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Map<String, String> env() {
    return env;
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The command line, reading {@code TUGAI_*} overrides from {@code env}. */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new Tugai(env));
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof ConfigException) {
            cmd.getErr().println("tugai: " + e.getMessage());
            return CONFIG_ERROR;
          }
          cmd.getErr().println("tugai: " + e.getMessage());
          log.error("failed", e);
          return 1;
        });
    return cli;
  }

  /** Runs services against external Kafka, MQTT and PostgreSQL until the process is stopped. */
  abstract static class ServiceCommand implements Callable<Integer> {
    @ParentCommand Tugai parent;

    @Option(
        names = "--config",
        description = "YAML config file; TUGAI_* environment variables override it")
    Path config;

    abstract Set<String> services();

    @Override
    public Integer call() throws Exception {
      Settings settings = Settings.load(Optional.ofNullable(config), parent.env);
      Services services = Services.configure(settings, services());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    log.info("stopping");
                    services.close();
                    stopped.countDown();
                  },
                  "tugai-shutdown"));
      try {
        services.start();
      } catch (Exception e) {
        services.close();
        throw e;
      }
      log.info(
          "tugai started: {}",
          String.join(", ", Services.ALL.stream().filter(services()::contains).toList()));
      // A failed service must not leave a healthy-looking process: by default the process ends, for
      // its supervisor (systemd, Kubernetes, compose) to restart it.
      while (!stopped.await(2, TimeUnit.SECONDS)) {
        HealthReport health = services.health();
        if (!health.failures().isEmpty() && services.exitOnFailure()) {
          log.error("stopping, exit {}: {}", SERVICE_FAILED, String.join("; ", health.failures()));
          return SERVICE_FAILED;
        }
      }
      return 0;
    }
  }

  @Command(
      name = "run",
      description = "Run all services (ingest, streams, gateway, api) in one process.")
  static final class Run extends ServiceCommand {
    Set<String> services() {
      return Set.copyOf(Services.ALL);
    }
  }

  @Command(name = "gateway", description = "Run the MQTT -> Kafka gateway.")
  static final class Gateway extends ServiceCommand {
    Set<String> services() {
      return Set.of("gateway");
    }
  }

  @Command(name = "streams", description = "Run the Kafka Streams processors.")
  static final class Streams extends ServiceCommand {
    Set<String> services() {
      return Set.of("streams");
    }
  }

  @Command(name = "ingest", description = "Run the Kafka -> PostgreSQL / TimescaleDB sink.")
  static final class Ingest extends ServiceCommand {
    Set<String> services() {
      return Set.of("ingest");
    }
  }

  @Command(name = "api", description = "Run the HTTP API.")
  static final class Api extends ServiceCommand {
    Set<String> services() {
      return Set.of("api");
    }
  }
}
