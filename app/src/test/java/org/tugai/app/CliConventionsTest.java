package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * What an operator tries first: help on every command, the full command path in usage, one
 * exit-code scheme.
 */
class CliConventionsTest {

  private record Outcome(int exit, String out, String err) {}

  private static Outcome run(String... args) {
    CommandLine cli = Tugai.commandLine(Map.of());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return new Outcome(cli.execute(args), out.toString(), err.toString());
  }

  static List<String> commands() {
    return List.of(
        "run",
        "gateway",
        "streams",
        "ingest",
        "api",
        "demo",
        "registry",
        "registry import",
        "token",
        "token create",
        "token list",
        "token revoke",
        "replay",
        "replay movebank",
        "simulate",
        "import");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandAnswersHelpWithItsFullPath(String command) {
    for (String flag : List.of("--help", "-h")) {
      String[] args = (command + " " + flag).split(" ");
      Outcome o = run(args);
      assertThat(o.exit()).as(command + " " + flag + ": " + o.err()).isZero();
      assertThat(o.out()).startsWith("Usage: tugai " + command);
    }
    // picocli's help command names one level: "tugai help registry"; "tugai registry import --help"
    // goes deeper.
    String top = command.split(" ")[0];
    Outcome viaHelp = run("help", top);
    assertThat(viaHelp.exit()).isZero();
    assertThat(viaHelp.out()).startsWith("Usage: tugai " + top);
  }

  @Test
  void helpAloneListsTheCommandsAndTheExitCodes() {
    Outcome o = run("help");
    assertThat(o.exit()).isZero();
    assertThat(o.out())
        .contains("Usage: tugai")
        .contains("import")
        .contains("replay")
        .contains("Exit codes:")
        .contains("78")
        .contains("configuration error");
  }

  @Test
  void aUsageMistakeIsTwoAndNamesTheCommand() {
    Outcome unknown = run("gateway", "--no-such-option");
    assertThat(unknown.exit()).isEqualTo(Tugai.USAGE_ERROR);
    assertThat(unknown.err())
        .contains("Unknown option: '--no-such-option'")
        .contains("Usage: tugai gateway");
    Outcome badArgument = run("replay", "movebank", "no-such-file.csv");
    assertThat(badArgument.exit()).isEqualTo(Tugai.USAGE_ERROR);
    assertThat(badArgument.err())
        .contains("cannot read no-such-file.csv")
        .contains("Usage: tugai replay movebank");
  }

  @Test
  void aConfigurationMistakeIsSeventyEightAndIsWordedAsTheFileNotAKey() {
    Outcome o = run("gateway", "--config", "no-such.yaml");
    assertThat(o.exit()).isEqualTo(Tugai.CONFIG_ERROR).isEqualTo(78);
    assertThat(o.err().strip()).isEqualTo("tugai: config file no-such.yaml: does not exist");
  }
}
