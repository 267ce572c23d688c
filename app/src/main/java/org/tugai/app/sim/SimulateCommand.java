package org.tugai.app.sim;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.core.config.MqttSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.schemas.MqttTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/tugai simulate}: the demo's collared deer as a load generator against any MQTT broker:
 * a number of collars, each sending fixes in turn, at a total rate, for a while; progress every
 * five seconds.
 */
@Command(
    name = "simulate",
    description =
        "Load generator: simulated collars publishing fixes to any MQTT broker (mqtt.url).")
public final class SimulateCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @ParentCommand RegistryCommand.Environment root;

  @Option(
      names = "--devices",
      defaultValue = "100",
      description = "simulated collars (default ${DEFAULT-VALUE})")
  int devices;

  @Option(
      names = "--rate",
      defaultValue = "100",
      description = "fixes per second over all collars (default ${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "60",
      description = "seconds to run; 0 runs until Ctrl-C (default ${DEFAULT-VALUE})")
  long duration;

  @Option(
      names = "--prefix",
      defaultValue = "SIM",
      description = "collar ids are PREFIX-001, PREFIX-002, ... (default ${DEFAULT-VALUE})")
  String prefix;

  @Option(
      names = "--config",
      description =
          "YAML config file; TUGAI_* environment variables override it (mqtt.url, mqtt.username, ...)")
  Path config;

  private long sent;

  /** Fixes this run published (each acknowledged by the broker). */
  public long sent() {
    return sent;
  }

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || devices > 1_000_000) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--devices must be between 1 and 1000000, not " + devices);
    }
    if (!(rate > 0 && rate <= 1_000_000)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--rate must be above 0 and at most 1000000, not " + rate);
    }
    Settings settings = Settings.load(Optional.ofNullable(config), root.env());
    MqttSettings mqtt = MqttSettings.from(settings);
    settings.checkAllKeysKnown();
    Herd herd = new Herd(prefix, devices, 42);
    MqttClient client =
        DeviceClient.connect(mqtt, "tugai-simulate-" + ProcessHandle.current().pid());
    System.out.printf(
        Locale.ROOT,
        "simulate: %d collars, %.0f fixes/s to %s%s%n",
        devices,
        rate,
        mqtt.url(),
        duration > 0 ? " for " + duration + " s" : " until Ctrl-C");
    long start = System.nanoTime();
    long interval = (long) (1e9 / rate);
    long lastReport = start;
    long lastSent = 0;
    Instant[] lastTime = new Instant[devices];
    try {
      while (duration == 0 || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(duration)) {
        long due = start + sent * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        int i = (int) (sent % devices);
        Herd.Deer deer = herd.deer().get(i);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // One collar never sends two fixes with the same time: that would be a duplicate by the
        // natural key.
        if (lastTime[i] != null && !now.isAfter(lastTime[i])) {
          now = lastTime[i].plusMillis(1);
        }
        herd.step(
            deer,
            now,
            lastTime[i] == null ? 1 : (now.toEpochMilli() - lastTime[i].toEpochMilli()) / 60_000.0);
        lastTime[i] = now;
        String fix =
            String.format(
                Locale.ROOT,
                "{\"collarId\":\"%s\",\"fixTime\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"hdop\":1.1,"
                    + "\"satellites\":8,\"fixType\":\"3D\",\"batteryV\":%.2f}",
                deer.collarId(),
                now,
                deer.lat(),
                deer.lon(),
                deer.batteryV());
        MqttPublishing.publish(
            client, MqttTopics.collarFixes(deer.collarId()), fix.getBytes(StandardCharsets.UTF_8));
        sent++;
        long t = System.nanoTime();
        if (t - lastReport >= 5_000_000_000L) {
          System.out.printf(
              Locale.ROOT,
              "simulate: %,d fixes sent, %.0f/s in the last %.0f s%n",
              sent,
              (sent - lastSent) * 1e9 / (t - lastReport),
              (t - lastReport) / 1e9);
          lastReport = t;
          lastSent = sent;
        }
      }
    } finally {
      client.disconnect();
      client.close();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "simulate finished: %,d fixes from %d collars in %.1f s (%.0f/s)%n",
        sent,
        Math.min(devices, sent),
        seconds,
        sent / seconds);
    return 0;
  }
}
