package org.tugai.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * API tokens: {@code tg_<id>_<secret>}, the id 12 hex digits (so it never holds the {@code _} that
 * ends it; ids of tokens made before could, and are still found by their whole printed id). Only
 * the SHA-256 of the whole token is stored. A plain hash (not a slow password hash) is right here:
 * the secret is 256 random bits, so there is nothing to guess, and every request checks one.
 */
public final class ApiTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final DataSource dataSource;

  public ApiTokens(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A token made: the secret is shown once and never stored. */
  public record Issued(String tokenId, String token) {}

  public Issued create(String name, Role role, Collection<String> zones, Instant expiresAt)
      throws SQLException {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a token needs a name (who holds it)");
    }
    Optional<String> problem =
        org.tugai.schemas.text.StorableText.problemInName("the token's name", name, 200);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    if (role == Role.RANGER && zones.isEmpty()) {
      throw new IllegalArgumentException("a ranger token needs at least one zone");
    }
    byte[] id = new byte[6];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String tokenId = HexFormat.of().formatHex(id);
    String token = "tg_" + tokenId + "_" + B64.encodeToString(secret);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO api_tokens (token_id, token_hash, name, role, zones, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, tokenId);
      ps.setBytes(2, hash(token));
      ps.setString(3, name);
      ps.setString(4, role.word());
      ps.setArray(5, c.createArrayOf("text", zones.toArray()));
      ps.setTimestamp(6, expiresAt == null ? null : Timestamp.from(expiresAt));
      ps.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    return new Issued(tokenId, token);
  }

  /** The caller a token stands for, if it is known, not revoked and not expired. */
  public Optional<Caller> verify(String token) throws SQLException {
    if (token == null || !token.startsWith("tg_") || token.length() > 200) {
      return Optional.empty();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT token_id, name, role, zones FROM api_tokens WHERE token_hash = ?"
                    + " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())")) {
      ps.setBytes(1, hash(token));
      try (ResultSet rs = ps.executeQuery()) {
        Optional<Caller> caller = Optional.empty();
        if (rs.next()) {
          caller =
              Optional.of(
                  new Caller(
                      rs.getString("token_id"),
                      rs.getString("name"),
                      Role.of(rs.getString("role")),
                      Set.copyOf(List.of((String[]) rs.getArray("zones").getArray()))));
        }
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        return caller;
      }
    }
  }

  /**
   * Revokes the token named by its printed id or given whole ({@code tg_..._...}); false when no
   * active token matches.
   */
  public boolean revoke(String idOrToken) throws SQLException {
    boolean whole = isWholeToken(idOrToken);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE api_tokens SET revoked_at = now() WHERE "
                    + (whole ? "token_hash = ?" : "token_id = ?")
                    + " AND revoked_at IS NULL")) {
      if (whole) {
        ps.setBytes(1, hash(idOrToken));
      } else {
        ps.setString(1, idOrToken);
      }
      int n = ps.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return n == 1;
    }
  }

  /** A whole token rather than an id: {@code tg_}, an id, {@code _}, and a 43-character secret. */
  static boolean isWholeToken(String s) {
    return s != null && s.startsWith("tg_") && s.length() >= 3 + 12 + 1 + 43;
  }

  /** One token as {@code token list} shows it: never its secret. */
  public record Listed(
      String tokenId,
      String name,
      Role role,
      List<String> zones,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt) {

    public String state(Instant now) {
      return revokedAt != null
          ? "revoked"
          : expiresAt != null && !expiresAt.isAfter(now) ? "expired" : "active";
    }
  }

  public List<Listed> list() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT token_id, name, role, zones, created_at, expires_at, revoked_at FROM api_tokens"
                    + " ORDER BY created_at, token_id");
        ResultSet rs = ps.executeQuery()) {
      List<Listed> out = new ArrayList<>();
      while (rs.next()) {
        out.add(
            new Listed(
                rs.getString("token_id"),
                rs.getString("name"),
                Role.of(rs.getString("role")),
                List.of((String[]) rs.getArray("zones").getArray()),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at") == null
                    ? null
                    : rs.getTimestamp("expires_at").toInstant(),
                rs.getTimestamp("revoked_at") == null
                    ? null
                    : rs.getTimestamp("revoked_at").toInstant()));
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      return out;
    }
  }

  /**
   * Which of {@code tokenIds} may still be used now (not revoked, not expired): the live feed asks
   * every few seconds.
   */
  public Set<String> stillValid(Collection<String> tokenIds) throws SQLException {
    if (tokenIds.isEmpty()) {
      return Set.of();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT token_id FROM api_tokens WHERE token_id = ANY(?) AND revoked_at IS NULL"
                    + " AND (expires_at IS NULL OR expires_at > now())")) {
      ps.setArray(1, c.createArrayOf("text", tokenIds.toArray()));
      Set<String> out = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString("token_id"));
        }
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      return out;
    }
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
