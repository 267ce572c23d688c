package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.core.config.Settings;
import picocli.CommandLine;

/**
 * A configuration mistake stops start-up with exit code 78 (sysexits' EX_CONFIG) and one line
 * naming the key.
 */
class LauncherConfigTest {

  @TempDir Path dir;

  private record Outcome(int exitCode, String err) {}

  private Outcome run(String yaml, String... args) throws Exception {
    Path config = dir.resolve("tugai.yaml");
    Files.writeString(config, yaml);
    CommandLine cli = Tugai.commandLine(Map.of());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--config";
    full[args.length + 1] = config.toString();
    return new Outcome(cli.execute(full), err.toString());
  }

  private static final String ENDPOINTS =
      """
      kafka: {bootstrap-servers: "127.0.0.1:1"}
      mqtt: {url: "tcp://127.0.0.1:1"}
      db: {url: "jdbc:postgresql://127.0.0.1:1/tugai"}
      """;

  @Test
  void aValueOutOfRangeNamesItsKey() throws Exception {
    Outcome o = run(ENDPOINTS + "gateway: {receive-maximum: 0}\n", "gateway");
    assertThat(o.exitCode()).isEqualTo(Tugai.CONFIG_ERROR);
    assertThat(o.err().strip())
        .isEqualTo(
            "tugai: config key 'gateway.receive-maximum' (env TUGAI_GATEWAY_RECEIVE_MAXIMUM): 0 is out of range 1..65535");
  }

  @Test
  void aTypoIsCaughtBeforeAnythingStarts() throws Exception {
    Outcome o = run(ENDPOINTS + "ingest: {batch-sise: 10}\n", "run");
    assertThat(o.exitCode()).isEqualTo(Tugai.CONFIG_ERROR);
    assertThat(o.err().strip())
        .startsWith("tugai: config key 'ingest.batch-sise'")
        .contains("unknown key")
        .contains("did you mean 'ingest.batch-size'")
        .doesNotContain("\n");
  }

  @Test
  void aMalformedEndpointNamesItsKey() throws Exception {
    Outcome o =
        run(
            "kafka: {bootstrap-servers: \"127.0.0.1:1\"}\nmqtt: {url: \"http://broker\"}\n",
            "gateway");
    assertThat(o.exitCode()).isEqualTo(Tugai.CONFIG_ERROR);
    assertThat(o.err()).contains("'mqtt.url'").contains("tcp://host:port");
  }

  @Test
  void theEnvironmentOverridesTheFileByTheRuleInTheReadme() throws Exception {
    Path config = dir.resolve("tugai.yaml");
    Files.writeString(config, ENDPOINTS);
    CommandLine cli = Tugai.commandLine(Map.of("TUGAI_GATEWAY_RECEIVE_MAXIMUM", "70000"));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("gateway", "--config", config.toString())).isEqualTo(Tugai.CONFIG_ERROR);
    assertThat(err.toString())
        .contains("'gateway.receive-maximum'")
        .contains("70000 is out of range");
  }

  @Test
  void theShippedExampleConfigIsValidAndComplete() {
    Path example =
        Path.of(System.getProperty("tugai.root", "..")).resolve("config/tugai.example.yaml");
    Settings settings = Settings.load(Optional.of(example), Map.of());
    // Every key in the example is read by some service: checkAllKeysKnown inside configure would
    // throw otherwise.
    Services.configure(settings, Set.copyOf(Services.ALL));
    // ... and a process running one service accepts the keys of the others in the same file.
    for (String one : Services.ALL) {
      Services.configure(Settings.load(Optional.of(example), Map.of()), Set.of(one));
    }
  }

  @Test
  void aMissingConfigFileIsAConfigError() {
    CommandLine cli = Tugai.commandLine(Map.of());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("run", "--config", dir.resolve("nope.yaml").toString()))
        .isEqualTo(Tugai.CONFIG_ERROR);
    assertThat(err.toString().strip())
        .isEqualTo("tugai: config file " + dir.resolve("nope.yaml") + ": does not exist");
  }
}
