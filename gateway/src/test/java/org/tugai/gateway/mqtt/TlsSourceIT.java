package org.tugai.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MosquittoProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.MqttTopics;

/**
 * A second MQTT source over TLS with a private CA (a field station's broker), beside the plain
 * local one.
 */
@ExtendWith(TugaiInfrastructure.class)
class TlsSourceIT {

  @TempDir Path dir;

  private void openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void theGatewayConnectsToATlsSourceTrustingOnlyItsCa(Infrastructure infra) throws Exception {
    Assumptions.assumeTrue(MosquittoProcess.binary().isPresent(), "needs mosquitto");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl to make certificates");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Tugai test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt");
    for (String f : List.of("server.key", "server.crt", "ca.crt")) {
      dir.resolve(f).toFile().setReadable(true, false);
    }
    try (MosquittoProcess tls =
        MosquittoProcess.start(
            "cafile "
                + dir.resolve("ca.crt")
                + "\ncertfile "
                + dir.resolve("server.crt")
                + "\nkeyfile "
                + dir.resolve("server.key"))) {
      GatewayConfig config =
          GatewayConfig.from(
              Settings.of(
                  Map.of(
                      "kafka.bootstrap-servers",
                      infra.kafkaBootstrapServers(),
                      "kafka.topic-prefix",
                      Infrastructure.uniqueName("tls") + ".",
                      "mqtt.url",
                      infra.mqttUrl(),
                      "gateway.client-id",
                      Infrastructure.uniqueName("gw"),
                      "gateway.alerts-out",
                      "false",
                      "gateway.sources.station.url",
                      "ssl://127.0.0.1:" + tls.port(),
                      "gateway.sources.station.ca-file",
                      dir.resolve("ca.crt").toString(),
                      "gateway.sources.station.topics",
                      MqttTopics.COLLAR_FIXES)));
      GatewayService gateway =
          new GatewayService(config, new SimpleMeterRegistry(), Clock.systemUTC());
      gateway.start();
      try {
        assertThat(config.sources())
            .extracting(GatewayConfig.Source::name)
            .containsExactly("local", "station");
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    Files.readString(tls.home().resolve("mosquitto.log"))
                        .contains("New client connected"));
        assertThat(Files.readString(tls.home().resolve("mosquitto.log")))
            .contains(config.sources().get(1).clientId());
      } finally {
        gateway.close();
      }
    }
  }
}
