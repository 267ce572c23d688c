package org.tugai.app.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.app.CommandRun;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;

/**
 * {@code bin/tugai token create|list|revoke} against a real database, as an operator types them.
 */
@ExtendWith(TugaiInfrastructure.class)
class TokenCommandIT {

  static CommandRun run(Map<String, String> env, String... args) {
    return CommandRun.of(env, args);
  }

  /** The printed token (the test's logging shares standard output). */
  static String tokenLine(String out) {
    return out.lines()
        .filter(l -> l.startsWith("tg_"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no token in: " + out));
  }

  @Test
  void tokensAreMadeListedAndRevokedByIdOrWhole(Infrastructure infra) throws Exception {
    Infrastructure.Database db = infra.newDatabase();
    Map<String, String> env =
        Map.of(
            "TUGAI_DB_URL",
            db.url(),
            "TUGAI_DB_USER",
            db.user(),
            "TUGAI_DB_PASSWORD",
            db.password());
    CommandRun made =
        run(
            env,
            "token",
            "create",
            "--name",
            "ranger Dilshod",
            "--role",
            "ranger",
            "--zones",
            "pa-a",
            "--expires-in",
            "90d");
    assertThat(made.exit()).as(made.err()).isZero();
    String token = tokenLine(made.out());
    assertThat(token).matches("tg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");
    String id = token.substring(3, 15);
    CommandRun other =
        run(env, "token", "create", "--name", "scientist Nodira", "--role", "scientist");
    String otherId = tokenLine(other.out()).substring(3, 15);

    CommandRun listed = run(env, "token", "list");
    assertThat(listed.exit()).isZero();
    assertThat(listed.out())
        .contains(id)
        .contains(otherId)
        .contains("ranger Dilshod")
        .contains("active")
        .contains("pa-a")
        .doesNotContain(token);

    // Revoked by the whole token, the secret never echoed; by the printed id; an id from before hex
    // ids, with '_'.
    CommandRun whole = run(env, "token", "revoke", token);
    assertThat(whole.exit()).isZero();
    assertThat(whole.err()).doesNotContain(token.substring(16));
    assertThat(run(env, "token", "revoke", token).exit()).as("already revoked").isEqualTo(1);
    assertThat(run(env, "token", "revoke", otherId).exit()).isZero();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      c.createStatement()
          .execute(
              "INSERT INTO api_tokens (token_id, token_hash, name, role) VALUES ('x_Y-z_w', '\\x00', 'old', 'admin')");
    }
    assertThat(run(env, "token", "revoke", "x_Y-z_w").exit()).isZero();
    assertThat(run(env, "token", "list").out().lines().filter(l -> l.contains("revoked")).count())
        .isEqualTo(3);

    CommandRun bad = run(env, "token", "create", "--name", "nul\u0000name", "--role", "admin");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("NUL");
  }
}
