package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tugai demo} as a user runs it, in its own JVM on its own embedded Kafka, MQTT broker
 * and PostgreSQL: the console shows crossings and alerts arriving, the dashboard answers, and
 * SIGTERM (what Ctrl-C's shutdown does) stops everything cleanly.
 */
class DemoIT {

  static final Pattern STATUS =
      Pattern.compile(
          "stored: (\\d+) fixes, (\\d+) detections, (\\d+) crossings, (\\d+) alerts \\((\\d+) open\\), (\\d+) dead letters");

  @TempDir Path dir;

  @Test
  void theDemoShowsCrossingsAndAlertsAndStopsCleanly() throws Exception {
    // The demo brings its own embedded services; the CI pass against real services has nothing to
    // add here.
    assumeTrue(
        System.getenv("TUGAI_KAFKA_BOOTSTRAP_SERVERS") == null, "runs in the embedded pass only");
    Path log = dir.resolve("demo.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx1g",
                    "-Dlogback.configurationFile=tugai-logback.xml",
                    "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.reflect,org.tugai",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "org.tugai.app.Tugai",
                    "demo",
                    "--speed",
                    "900",
                    "--http-port",
                    "0"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(240))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                assertThat(demo.isAlive()).as("demo exited: %s", Files.readString(log)).isTrue();
                return latest(log)
                    .map(
                        m ->
                            Long.parseLong(m.group(3)) >= 1
                                && Long.parseLong(m.group(4)) >= 2
                                && Long.parseLong(m.group(6)) >= 1)
                    .orElse(false);
              });
      Matcher status = latest(log).orElseThrow();
      assertThat(Long.parseLong(status.group(1))).isGreaterThan(100);
      assertThat(Long.parseLong(status.group(2))).isPositive();

      Matcher url =
          Pattern.compile("Dashboard  (http://127\\.0\\.0\\.1:\\d+)/#token=(tg_\\S+)")
              .matcher(Files.readString(log));
      assertThat(url.find()).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(url.group(1) + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("leaflet.js").contains("dashboard.js");
      HttpResponse<String> alerts =
          http.send(
              HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/alerts"))
                  .header("Authorization", "Bearer " + url.group(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(alerts.body())
          .contains("\"type\":\"intrusion\"")
          .contains("\"type\":\"crossing_notice\"");
    } finally {
      demo.destroy();
      assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("the demo stops within 90 s").isTrue();
    }
    String output = Files.readString(log);
    assertThat(output)
        .contains("Stopping the services...")
        .endsWith("Tugai demo stopped.\n")
        .doesNotContain("ERROR");
    assertThat(demo.exitValue()).isZero();
  }

  private static Optional<Matcher> latest(Path log) throws Exception {
    Matcher last = null;
    for (String line : Files.readAllLines(log)) {
      Matcher m = STATUS.matcher(line);
      if (m.find()) {
        last = m;
      }
    }
    return Optional.ofNullable(last);
  }
}
