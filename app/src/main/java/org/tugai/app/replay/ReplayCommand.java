package org.tugai.app.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.tugai.app.Tugai;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.app.sim.DeviceClient;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.schemas.MqttTopics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/tugai replay movebank FILE.csv}: a Movebank export published as collar fixes over
 * MQTT.
 */
@Command(
    name = "replay",
    description = "Publish recorded data as devices would.",
    subcommands = ReplayCommand.Movebank.class)
public final class ReplayCommand {

  @ParentCommand RegistryCommand.Environment root;

  /** What a replay did. */
  public record Counts(long sent, long failed, Map<String, Long> skipped) {
    public long skippedRows() {
      return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Command(
      name = "movebank",
      description =
          "Publish a Movebank CSV export as collar fixes (tugai/v1/collars/{tag-local-identifier}/fixes).")
  static final class Movebank implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @ParentCommand ReplayCommand replay;

    @Parameters(
        index = "0",
        paramLabel = "FILE.csv",
        description = "a Movebank CSV export (Download data > CSV)")
    Path file;

    @Option(
        names = "--speed",
        defaultValue = "0",
        description =
            "recorded seconds per real second; 0 (default) sends as fast as the broker takes them")
    double speed;

    @Option(
        names = "--config",
        description =
            "YAML config file; TUGAI_* environment variables override it (mqtt.url, mqtt.username, ...)")
    Path config;

    @Override
    public Integer call() throws Exception {
      if (speed < 0 || Double.isNaN(speed)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--speed must be 0 or more, not " + speed);
      }
      // The command line's own mistakes first: they are usage errors, whatever the configuration
      // says.
      if (!Files.isReadable(file)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "cannot read " + file);
      }
      Settings settings = Settings.load(Optional.ofNullable(config), replay.root.env());
      MqttSettings mqtt = MqttSettings.from(settings);
      settings.checkAllKeysKnown();
      MqttClient client =
          DeviceClient.connect(mqtt, "tugai-replay-" + ProcessHandle.current().pid());
      try {
        Counts counts = replay(file, client, speed);
        System.out.printf(
            Locale.ROOT,
            "replay finished: %,d fixes sent (%,d of them failed fixes without a position), %,d rows skipped%n",
            counts.sent(),
            counts.failed(),
            counts.skippedRows());
        counts
            .skipped()
            .forEach(
                (reason, n) -> System.out.printf(Locale.ROOT, "  skipped %,d: %s%n", n, reason));
        return counts.skippedRows() == 0 ? 0 : Tugai.REFUSED_ROWS;
      } finally {
        client.disconnect();
        client.close();
      }
    }
  }

  /** Publishes every fix of the file; prints progress every few seconds. */
  public static Counts replay(Path file, MqttClient client, double speed) throws Exception {
    long total = lines(file) - 1;
    Progress progress = new Progress(total);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MovebankCsv rows = MovebankCsv.read(in)) {
      if (speed == 0) {
        while (rows.hasNext()) {
          progress.handle(rows.next(), client);
        }
      } else {
        // Paced by recorded time across all tags, so the file is put in time order first.
        List<MovebankCsv.Fix> fixes = new ArrayList<>();
        while (rows.hasNext()) {
          MovebankCsv.Row row = rows.next();
          if (row instanceof MovebankCsv.Fix f) {
            fixes.add(f);
          } else {
            progress.handle(row, client);
          }
        }
        fixes.sort(Comparator.comparing(MovebankCsv.Fix::fixTime));
        Instant realStart = Instant.now();
        Instant first = fixes.isEmpty() ? null : fixes.get(0).fixTime();
        for (MovebankCsv.Fix f : fixes) {
          long due = (long) (Duration.between(first, f.fixTime()).toMillis() / speed);
          long wait = due - Duration.between(realStart, Instant.now()).toMillis();
          if (wait > 0) {
            Thread.sleep(wait);
          }
          progress.handle(f, client);
        }
      }
    }
    progress.report();
    return new Counts(progress.sent, progress.failed, progress.skipped);
  }

  private static long lines(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return r.lines().count();
    } catch (UncheckedIOException e) {
      return -1;
    }
  }

  private static final class Progress {
    final long total;
    long sent;
    long failed;
    long rows;
    final Map<String, Long> skipped = new LinkedHashMap<>();
    long lastReport = System.nanoTime();

    Progress(long total) {
      this.total = total;
    }

    void handle(MovebankCsv.Row row, MqttClient client) throws Exception {
      rows++;
      if (row instanceof MovebankCsv.Fix f) {
        MqttPublishing.publish(
            client,
            MqttTopics.collarFixes(f.collarId()),
            f.json().getBytes(StandardCharsets.UTF_8));
        sent++;
        if (f.failed()) {
          failed++;
        }
      } else if (row instanceof MovebankCsv.Skipped s) {
        // Grouped by reason without the row's own values, so a thousand bad rows make one line,
        // with an example.
        String reason = s.reason().replaceAll("'[^']*'", "'...'");
        if (!skipped.containsKey(reason)) {
          System.out.printf(Locale.ROOT, "line %d skipped: %s%n", s.line(), s.reason());
        }
        skipped.merge(reason, 1L, Long::sum);
      }
      if (System.nanoTime() - lastReport > 5_000_000_000L) {
        report();
      }
    }

    void report() {
      lastReport = System.nanoTime();
      String of =
          total > 0
              ? String.format(Locale.ROOT, " / %,d (%.0f%%)", total, 100.0 * rows / total)
              : "";
      System.out.printf(
          Locale.ROOT,
          "replay: %,d rows%s: %,d fixes sent, %,d failed fixes, %,d skipped%n",
          rows,
          of,
          sent,
          failed,
          skipped.values().stream().mapToLong(Long::longValue).sum());
    }
  }
}
