package org.tugai.api.query;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import org.tugai.schemas.text.StorableText;

/** Query parameters, checked: a bad one is a 400 that names it. */
public final class Params {

  /**
   * Times outside these years are mistakes (or probes), not data: refused before they reach the
   * store.
   */
  static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");

  static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

  public static final int DEFAULT_LIMIT = 1_000;
  public static final int MAX_LIMIT = 50_000;

  private Params() {}

  /** An ISO-8601 instant or a date (midnight UTC); absent gives the fallback. */
  public static Instant instant(Context ctx, String name, Instant fallback) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    Instant t;
    try {
      t =
          v.length() == 10
              ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
              : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new BadRequestResponse(
          "'"
              + name
              + "' must be an ISO-8601 time such as 2026-03-01T00:00:00Z or a date, not '"
              + StorableText.escape(v)
              + "'");
    }
    if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
      throw new BadRequestResponse(
          "'" + name + "' must lie between " + EARLIEST + " and " + LATEST + ", not " + v);
    }
    return t;
  }

  public static String text(Context ctx, String name) {
    String v = ctx.queryParam(name);
    java.util.Optional<String> problem = StorableText.problemInName("'" + name + "'", v, 200);
    if (problem.isPresent()) {
      throw new BadRequestResponse(problem.get());
    }
    return v == null || v.isBlank() ? null : v;
  }

  /** A text parameter that must be one of {@code allowed} (absent: null). */
  public static String choice(Context ctx, String name, Collection<String> allowed) {
    String v = text(ctx, name);
    if (v != null && !allowed.contains(v)) {
      throw new BadRequestResponse(
          "'"
              + name
              + "' must be one of "
              + allowed.stream().sorted().toList()
              + ", not '"
              + v
              + "'");
    }
    return v;
  }

  public static int limit(Context ctx) {
    String v = ctx.queryParam("limit");
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 1 || n > MAX_LIMIT) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadRequestResponse(
          "'limit' must be a whole number from 1 to " + MAX_LIMIT + ", not '" + v + "'");
    }
  }

  public static void range(Instant from, Instant to) {
    if (!from.isBefore(to)) {
      throw new BadRequestResponse("'from' must be before 'to'");
    }
  }
}
