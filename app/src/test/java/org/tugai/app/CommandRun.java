package org.tugai.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One {@code bin/tugai} command run in this JVM, as a user would type it: its exit code and what it
 * printed.
 */
public record CommandRun(int exit, String out, String err) {

  /**
   * Runs {@code args} with {@code env} as the environment; standard output and error are captured,
   * then restored.
   */
  public static synchronized CommandRun of(Map<String, String> env, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = Tugai.commandLine(env).execute(args);
      return new CommandRun(
          exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
