package org.tugai.app.imports;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.tugai.app.Tugai;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.core.config.Settings;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.camtrap.CamtrapDpImport;
import org.tugai.gateway.files.FileImport;
import org.tugai.gateway.files.FileIntake;
import org.tugai.gateway.files.VendorFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/tugai import FORMAT FILE...}: collar vendors' export files (Vectronic, Lotek,
 * Telonics) into the pipeline through the gateway's validation and Kafka acknowledgement. Exits 0
 * when every row became a fix, 3 when some rows were refused (each printed with its line and
 * reason, and dead-lettered), 1 when a file could not be sent. {@code bin/tugai import camtrap-dp
 * DIR...} brings Camtrap DP packages in the same way, as deployments and camera events.
 */
@Command(
    name = "import",
    description =
        "Import collar vendors' export files (vectronic, lotek, telonics, or auto to recognise them),"
            + " or a Camtrap DP package directory (camtrap-dp DIR).")
public final class ImportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Problems printed per file; all of them are in the dead letters. */
  private static final int SHOWN = 20;

  @ParentCommand RegistryCommand.Environment root;

  @Parameters(
      index = "0",
      paramLabel = "FORMAT",
      description = "vectronic, lotek, telonics, auto or camtrap-dp")
  String format;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "FILE",
      description = "export files (for camtrap-dp: package directories)")
  List<Path> files;

  @Option(
      names = "--config",
      description = "YAML config file; TUGAI_* environment variables override it (kafka.*)")
  Path config;

  @Option(
      names = "--timeout",
      defaultValue = "PT2M",
      description = "how long a file may wait for Kafka's acknowledgement (ISO-8601)")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (format.equalsIgnoreCase("camtrap-dp")) {
      return camtrapDp();
    }
    Optional<VendorFormat> vendor =
        format.equalsIgnoreCase("auto") ? Optional.empty() : VendorFormat.named(format);
    if (!format.equalsIgnoreCase("auto") && vendor.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "FORMAT '" + format + "' is not one of vectronic, lotek, telonics, auto, camtrap-dp");
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + f);
      }
    }
    try (FileImport imports =
        FileImport.open(gatewayConfig(), new SimpleMeterRegistry(), Clock.systemUTC())) {
      return importEach(
          f -> {
            FileIntake.Report r = imports.importFile(f, vendor, timeout);
            return new Outcome(
                String.format(
                    Locale.ROOT,
                    "%s (%s): %,d fixes, %,d repeated messages dropped, %,d rows refused",
                    f,
                    r.format().cliName(),
                    r.fixes(),
                    r.repeats(),
                    r.problems().size()),
                r.problems().stream()
                    .map(
                        p ->
                            String.format(
                                Locale.ROOT, "line %d: %s (%s)", p.line(), p.reason(), p.code()))
                    .toList());
          });
    }
  }

  /** What one file or package became: a summary line and its refused rows. */
  private record Outcome(String summary, List<String> problems) {}

  @FunctionalInterface
  private interface Importer {
    Outcome importOne(Path input) throws IOException, InterruptedException, TimeoutException;
  }

  /** Imports each input in turn; one that cannot be sent is told and the next one is tried. */
  private int importEach(Importer importer) throws InterruptedException {
    boolean refusedRows = false;
    boolean failed = false;
    for (Path f : files) {
      try {
        Outcome r = importer.importOne(f);
        System.out.println(r.summary());
        r.problems().stream().limit(SHOWN).forEach(p -> System.out.println("  " + p));
        if (r.problems().size() > SHOWN) {
          System.out.printf(
              Locale.ROOT,
              "  ... and %,d more, all in the dead letters%n",
              r.problems().size() - SHOWN);
        }
        refusedRows |= !r.problems().isEmpty();
      } catch (IOException | TimeoutException e) {
        System.err.println("tugai: " + f + " not imported: " + e.getMessage());
        failed = true;
      }
    }
    return failed ? 1 : refusedRows ? Tugai.REFUSED_ROWS : 0;
  }

  private GatewayConfig gatewayConfig() {
    Settings loaded = Settings.load(Optional.ofNullable(config), root.env());
    // The gateway's config wants its MQTT broker; an import never connects to one.
    Settings settings =
        loaded.optional("mqtt.url").isPresent()
            ? loaded
            : loaded.with(Map.of("mqtt.url", "tcp://127.0.0.1:1883"));
    GatewayConfig gateway = GatewayConfig.from(settings);
    settings.checkAllKeysKnown();
    return gateway;
  }

  private int camtrapDp() throws Exception {
    for (Path dir : files) {
      if (!Files.isRegularFile(dir.resolve("datapackage.json"))) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), dir + " is not a package directory (no datapackage.json)");
      }
    }
    try (CamtrapDpImport imports =
        CamtrapDpImport.open(gatewayConfig(), new SimpleMeterRegistry(), Clock.systemUTC())) {
      return importEach(
          dir -> {
            CamtrapDpImport.Report r = imports.importPackage(dir, timeout);
            return new Outcome(
                String.format(
                    Locale.ROOT,
                    "%s (camtrap-dp): %,d deployments, %,d camera events, %,d observations, %,d rows"
                        + " refused",
                    dir,
                    r.deployments(),
                    r.events(),
                    r.observations(),
                    r.problems().size()),
                r.problems().stream()
                    .map(
                        p ->
                            String.format(
                                Locale.ROOT, "%s row %d: %s", p.file(), p.row(), p.reason()))
                    .toList());
          });
    }
  }
}
