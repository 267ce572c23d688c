package org.tugai.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @TempDir Path dir;

  private Settings load(String yaml, Map<String, String> env) throws IOException {
    Path file = dir.resolve("tugai.yaml");
    Files.writeString(file, yaml);
    return Settings.load(Optional.of(file), env);
  }

  @Test
  void envNameFollowsOneRule() {
    assertThat(Settings.envName("kafka.bootstrap-servers"))
        .isEqualTo("TUGAI_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(Settings.envName("mqtt.url")).isEqualTo("TUGAI_MQTT_URL");
    assertThat(Settings.envName("db.url")).isEqualTo("TUGAI_DB_URL");
    assertThat(Settings.envName("http.port")).isEqualTo("TUGAI_HTTP_PORT");
    assertThat(Settings.envName("gateway.max-in-flight")).isEqualTo("TUGAI_GATEWAY_MAX_IN_FLIGHT");
  }

  @Test
  void environmentOverridesTheFile() throws IOException {
    Settings s =
        load(
            "kafka:\n  bootstrap-servers: file:9092\nhttp:\n  port: 8080\n",
            Map.of("TUGAI_KAFKA_BOOTSTRAP_SERVERS", "env:9093"));
    assertThat(s.string("kafka.bootstrap-servers")).isEqualTo("env:9093");
    assertThat(s.integer("http.port", 1, 0, 65535)).isEqualTo(8080);
  }

  @Test
  void missingRequiredKeyNamesKeyAndEnvVariable() {
    Settings s = Settings.of(Map.of());
    assertThatThrownBy(() -> s.string("db.url"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config key 'db.url' (env TUGAI_DB_URL): missing; set it in the config file or in TUGAI_DB_URL");
  }

  @Test
  void badValuesAreOneLineErrorsNamingTheKey() {
    Settings s =
        Settings.of(
            Map.of(
                "http.port",
                "80a",
                "gateway.max-in-flight",
                "0",
                "a.timeout",
                "soon",
                "a.flag",
                "maybe"));
    assertThatThrownBy(() -> s.integer("http.port", 8080, 0, 65535))
        .hasMessageContaining("'http.port'")
        .hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> s.integer("gateway.max-in-flight", 100, 1, 65535))
        .hasMessageContaining("out of range 1..65535");
    assertThatThrownBy(
            () -> s.duration("a.timeout", Duration.ZERO, Duration.ZERO, Duration.ofDays(1)))
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> s.bool("a.flag", false)).hasMessageContaining("not true or false");
    assertThatThrownBy(() -> s.integer("http.port", 8080, 0, 65535))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void durationsInShortAndIsoForm() {
    Settings s = Settings.of(Map.of("a", "500ms", "b", "48h", "c", "PT30S", "d", "7d"));
    Duration max = Duration.ofDays(365);
    assertThat(s.duration("a", Duration.ZERO, Duration.ZERO, max))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(s.duration("b", Duration.ZERO, Duration.ZERO, max)).isEqualTo(Duration.ofHours(48));
    assertThat(s.duration("c", Duration.ZERO, Duration.ZERO, max))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(s.duration("d", Duration.ZERO, Duration.ZERO, max)).isEqualTo(Duration.ofDays(7));
    assertThat(s.duration("missing", Duration.ofMinutes(1), Duration.ZERO, max))
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void listsFromYamlOrCommaSeparatedEnvironment() throws IOException {
    Settings s = load("gateway:\n  topics: [a/#, b/+/c]\n", Map.of("TUGAI_X_Y", "p, q,,r"));
    assertThat(s.list("gateway.topics", List.of())).containsExactly("a/#", "b/+/c");
    assertThat(s.list("x.y", List.of())).containsExactly("p", "q", "r");
  }

  @Test
  void unknownKeyInTheFileIsCaughtWithASuggestion() throws IOException {
    Settings s = load("kafka:\n  bootstrap-server: x:1\n", Map.of());
    s.optional("kafka.bootstrap-servers");
    assertThatThrownBy(s::checkAllKeysKnown)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'kafka.bootstrap-server'")
        .hasMessageContaining("did you mean 'kafka.bootstrap-servers'");
  }

  @Test
  void passThroughGroupFromFileAndEnvironment() throws IOException {
    Settings s =
        load(
            "kafka:\n  client:\n    security.protocol: SSL\n    linger.ms: 5\n",
            Map.of("TUGAI_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN"));
    assertThat(s.group("kafka.client."))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("linger.ms", "5")
        .containsEntry("sasl.mechanism", "PLAIN");
    s.checkAllKeysKnown();
  }

  @Test
  void missingOrBrokenFileIsAConfigError() throws IOException {
    assertThatThrownBy(() -> Settings.load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
        .hasMessageContaining("does not exist");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "kafka: [unclosed\n");
    assertThatThrownBy(() -> Settings.load(Optional.of(bad), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file " + bad + ": cannot be read");
  }

  @Test
  void connectionSettingsValidateTheirShape() {
    assertThatThrownBy(
            () -> KafkaSettings.from(Settings.of(Map.of("kafka.bootstrap-servers", "localhost"))))
        .hasMessageContaining("'kafka.bootstrap-servers'")
        .hasMessageContaining("host:port");
    assertThat(
            KafkaSettings.from(Settings.of(Map.of("kafka.bootstrap-servers", "a:1,b:2")))
                .clientConfig())
        .containsEntry("bootstrap.servers", "a:1,b:2");
    assertThatThrownBy(() -> MqttSettings.from(Settings.of(Map.of("mqtt.url", "http://x:1"))))
        .hasMessageContaining("'mqtt.url'");
    assertThatThrownBy(
            () ->
                MqttSettings.from(
                    Settings.of(Map.of("mqtt.url", "tcp://x:1", "mqtt.password", "p"))))
        .hasMessageContaining("'mqtt.username'");
    assertThatThrownBy(() -> DbSettings.from(Settings.of(Map.of("db.url", "postgres://x/y"))))
        .hasMessageContaining("'db.url'");
  }
}
