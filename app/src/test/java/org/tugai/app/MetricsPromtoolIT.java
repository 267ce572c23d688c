package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;

/**
 * What {@code /metrics} serves, checked by Prometheus' own linter ({@code promtool check metrics},
 * Debian's {@code prometheus} package, which CI installs), and every documented metric there from
 * start-up.
 */
@ExtendWith(TugaiInfrastructure.class)
class MetricsPromtoolIT {

  @TempDir Path dir;

  private static boolean promtoolOnPath() {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(p -> Files.isExecutable(Path.of(p, "promtool")));
  }

  @Test
  void theScrapePassesPromtoolAndHoldsEveryDocumentedMetricFromStartUp(Infrastructure infra)
      throws Exception {
    assumeTrue(
        promtoolOnPath(), "promtool is not installed (CI installs Debian's prometheus package)");
    Infrastructure.Database db = infra.newDatabase();
    String prefix = Infrastructure.uniqueName("metrics") + ".";
    Settings settings =
        Settings.of(
            Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", infra.kafkaBootstrapServers()),
                Map.entry("kafka.topic-prefix", prefix),
                Map.entry("mqtt.url", infra.mqttUrl()),
                Map.entry("db.url", db.url()),
                Map.entry("db.user", db.user()),
                Map.entry("db.password", db.password()),
                Map.entry("gateway.client-id", Infrastructure.uniqueName("gateway")),
                Map.entry("gateway.alerts-out", "false"),
                Map.entry("streams.state-dir", dir.resolve("state").toString()),
                Map.entry("metrics.port", "0")));
    String scrape;
    try (Services services = Services.configure(settings, Set.of("ingest", "streams", "gateway"))) {
      services.start();
      scrape = services.registry().scrape();
    }
    Path file = dir.resolve("metrics.txt");
    Files.writeString(file, scrape, StandardCharsets.UTF_8);
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String verdict;
    try {
      verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      promtool.destroy();
    }
    assertThat(promtool.exitValue()).as(verdict).isZero();
    assertThat(verdict).as("promtool's complaints").isBlank();
    // Documented in README "Metrics": there before anything happened.
    for (String name :
        List.of(
            "tugai_gateway_received_total",
            "tugai_gateway_produced_total",
            "tugai_gateway_deadletters_total",
            "tugai_gateway_in_flight",
            "tugai_gateway_ack_latency_seconds",
            "tugai_gateway_produce_retries_total",
            "tugai_gateway_satellite_messages_total",
            "tugai_gateway_files_total",
            "tugai_ingest_rows_total",
            "tugai_ingest_retries_total",
            "tugai_ingest_deadletters_total",
            "jvm_memory_used_bytes",
            "jvm_gc_live_data_size_bytes",
            "jvm_threads_live_threads",
            "process_cpu_usage",
            "process_uptime_seconds",
            "process_files_open_files")) {
      assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]");
    }
    assertThat(scrape).contains("tugai_gateway_deadletters_total{reason=\"parse-error\"} 0.0");
  }
}
