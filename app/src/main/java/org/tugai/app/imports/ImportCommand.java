package org.tugai.app.imports;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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
 * {@code bin/tugai import FORMAT FILE...}: collar vendors' export files (Vectronic, Lotek, Telonics) into the pipeline
 * through the gateway's validation and Kafka acknowledgement. Exits 0 when every row became a fix, 3 when some rows were
 * refused (each printed with its line and reason, and dead-lettered), 1 when a file could not be sent. {@code bin/tugai import
 * camtrap-dp DIR...} brings Camtrap DP packages in the same way, as deployments and camera events.
 */
@Command(name = "import", description = "Import collar vendors' export files (vectronic, lotek, telonics, or auto to recognise them),"
    + " or a Camtrap DP package directory (camtrap-dp DIR).")
public final class ImportCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;


  /** Problems printed per file; all of them are in the dead letters. */
  private static final int SHOWN = 20;

  @ParentCommand
  RegistryCommand.Environment root;

  @Parameters(index = "0", paramLabel = "FORMAT", description = "vectronic, lotek, telonics, auto or camtrap-dp")
  String format;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "export files (for camtrap-dp: package directories)")
  List<Path> files;

  @Option(names = "--config", description = "YAML config file; TUGAI_* environment variables override it (kafka.*)")
  Path config;

  @Option(names = "--timeout", defaultValue = "PT2M", description = "how long a file may wait for Kafka's acknowledgement (ISO-8601)")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (format.equalsIgnoreCase("camtrap-dp")) {
      return camtrapDp();
    }
    Optional<VendorFormat> vendor = format.equalsIgnoreCase("auto") ? Optional.empty() : VendorFormat.named(format);
    if (!format.equalsIgnoreCase("auto") && vendor.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "FORMAT '" + format
          + "' is not one of vectronic, lotek, telonics, auto, camtrap-dp");
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + f);
      }
    }
    GatewayConfig gateway = gatewayConfig();
    boolean refusedRows = false;
    boolean failed = false;
    try (FileImport imports = FileImport.open(gateway, new SimpleMeterRegistry(), Clock.systemUTC())) {
      for (Path f : files) {
        try {
          FileIntake.Report r = imports.importFile(f, vendor, timeout);
          System.out.printf(Locale.ROOT, "%s (%s): %,d fixes, %,d repeated messages dropped, %,d rows refused%n", f, r.format().cliName(),
              r.fixes(), r.repeats(), r.problems().size());
          r.problems().stream().limit(SHOWN).forEach(p -> System.out.printf(Locale.ROOT, "  line %d: %s (%s)%n", p.line(), p.reason(),
              p.code()));
          if (r.problems().size() > SHOWN) {
            System.out.printf(Locale.ROOT, "  ... and %,d more, all in the dead letters%n", r.problems().size() - SHOWN);
          }
          refusedRows |= !r.problems().isEmpty();
        } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
          System.err.println("tugai: " + f + " not imported: " + e.getMessage());
          failed = true;
        }
      }
    }
    return failed ? 1 : refusedRows ? org.tugai.app.Tugai.REFUSED_ROWS : 0;
  }

  private GatewayConfig gatewayConfig() {
    Settings loaded = Settings.load(Optional.ofNullable(config), root.env());
    // The gateway's config wants its MQTT broker; an import never connects to one.
    Settings settings = loaded.optional("mqtt.url").isPresent() ? loaded : loaded.with(Map.of("mqtt.url", "tcp://127.0.0.1:1883"));
    GatewayConfig gateway = GatewayConfig.from(settings);
    settings.checkAllKeysKnown();
    return gateway;
  }

  private int camtrapDp() throws Exception {
    for (Path dir : files) {
      if (!Files.isRegularFile(dir.resolve("datapackage.json"))) {
        throw new CommandLine.ParameterException(spec.commandLine(), dir + " is not a package directory (no datapackage.json)");
      }
    }
    boolean refusedRows = false;
    boolean failed = false;
    try (CamtrapDpImport imports = CamtrapDpImport.open(gatewayConfig(), new SimpleMeterRegistry(), Clock.systemUTC())) {
      for (Path dir : files) {
        try {
          CamtrapDpImport.Report r = imports.importPackage(dir, timeout);
          System.out.printf(Locale.ROOT, "%s (camtrap-dp): %,d deployments, %,d camera events, %,d observations, %,d rows refused%n", dir,
              r.deployments(), r.events(), r.observations(), r.problems().size());
          r.problems().stream().limit(SHOWN).forEach(p -> System.out.printf(Locale.ROOT, "  %s row %d: %s%n", p.file(), p.row(),
              p.reason()));
          if (r.problems().size() > SHOWN) {
            System.out.printf(Locale.ROOT, "  ... and %,d more, all in the dead letters%n", r.problems().size() - SHOWN);
          }
          refusedRows |= !r.problems().isEmpty();
        } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
          System.err.println("tugai: " + dir + " not imported: " + e.getMessage());
          failed = true;
        }
      }
    }
    return failed ? 1 : refusedRows ? org.tugai.app.Tugai.REFUSED_ROWS : 0;
  }
}
