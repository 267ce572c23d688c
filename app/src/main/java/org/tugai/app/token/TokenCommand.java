package org.tugai.app.token;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/tugai token create|list|revoke}: API tokens, stored hashed in the database the API
 * reads.
 */
@Command(
    name = "token",
    description = "Make, list and revoke API tokens.",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
public final class TokenCommand {

  @ParentCommand RegistryCommand.Environment root;

  @Option(
      names = "--config",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "YAML config file; TUGAI_* environment variables override it")
  Path config;

  Store store() {
    Settings settings = Settings.load(Optional.ofNullable(config), root.env());
    DbSettings db = DbSettings.from(settings);
    Store store = Store.open(db, "tugai-token", 1, false);
    store.migrate();
    return store;
  }

  @Command(
      name = "create",
      description = "Make a token; its secret is printed once and only its hash is kept.")
  static final class Create implements Callable<Integer> {
    @ParentCommand TokenCommand parent;

    @Option(
        names = "--name",
        required = true,
        description = "Who holds it, e.g. 'ranger Dilshod, Zarafshon post'")
    String name;

    @Option(names = "--role", required = true, description = "ranger, scientist or admin")
    String role;

    @Option(
        names = "--zones",
        split = ",",
        description = "A ranger's zones (comma-separated zone ids)")
    List<String> zones = List.of();

    @Option(
        names = "--expires-in",
        description = "Lifetime, e.g. 90d or 12h; no expiry when absent")
    String expiresIn;

    @Override
    public Integer call() throws Exception {
      Role r;
      try {
        r = Role.of(role);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--role", e.getMessage());
      }
      Instant expires = expiresIn == null ? null : Instant.now().plus(lifetime(expiresIn));
      try (Store store = parent.store()) {
        ApiTokens.Issued issued = new ApiTokens(store.dataSource()).create(name, r, zones, expires);
        System.out.println(issued.token());
        System.err.println(
            "token "
                + issued.tokenId()
                + " for "
                + name
                + " ("
                + r.word()
                + (zones.isEmpty() ? "" : ", zones " + zones)
                + (expires == null ? "" : ", expires " + expires)
                + "); the secret above is shown only now");
      } catch (IllegalArgumentException e) {
        throw new ConfigException("token", e.getMessage());
      }
      return 0;
    }

    static Duration lifetime(String v) {
      if (!v.matches("\\d{1,5}[dh]")) {
        throw new ConfigException(
            "--expires-in", "'" + v + "' is not a lifetime such as 90d or 12h");
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return v.endsWith("d") ? Duration.ofDays(n) : Duration.ofHours(n);
    }
  }

  @Command(
      name = "list",
      description = "List every token: id, state, role, zones, expiry, name (never a secret).")
  static final class ListTokens implements Callable<Integer> {
    @ParentCommand TokenCommand parent;

    @Override
    public Integer call() throws Exception {
      try (Store store = parent.store()) {
        Instant now = Instant.now();
        System.out.printf(
            "%-16s %-8s %-9s %-24s %-22s %s%n", "ID", "STATE", "ROLE", "ZONES", "EXPIRES", "NAME");
        for (ApiTokens.Listed t : new ApiTokens(store.dataSource()).list()) {
          System.out.printf(
              "%-16s %-8s %-9s %-24s %-22s %s%n",
              t.tokenId(),
              t.state(now),
              t.role().word(),
              t.zones().isEmpty() ? "-" : String.join(",", t.zones()),
              t.expiresAt() == null ? "never" : t.expiresAt().toString(),
              t.name());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description =
          "Revoke a token by its id as 'token create' and 'token list' print it, or by the whole token.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand TokenCommand parent;

    @Parameters(index = "0", paramLabel = "TOKEN-ID-OR-TOKEN")
    String tokenId;

    @Override
    public Integer call() throws Exception {
      try (Store store = parent.store()) {
        boolean done = new ApiTokens(store.dataSource()).revoke(tokenId);
        // A whole token is a secret: never echo it.
        String shown = tokenId.startsWith("tg_") && tokenId.length() > 20 ? "given whole" : tokenId;
        System.err.println(done ? "token " + shown + " revoked" : "no active token " + shown);
        return done ? 0 : 1;
      }
    }
  }
}
