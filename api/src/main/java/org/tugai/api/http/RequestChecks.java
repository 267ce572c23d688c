package org.tugai.api.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tugai.schemas.text.StorableText;

/**
 * Checks every request gets before its handler: only the query parameters the route knows, each
 * given once, and no parameter (query or path) with text the store could not compare (NUL, control
 * characters) or of unbounded length; the handler then checks each value's form. Data responses are
 * never cached and never sniffed as another type.
 */
public final class RequestChecks {

  public static final int MAX_PARAMETER = 200;

  private RequestChecks() {}

  public static void parameters(Context ctx, Set<String> known) {
    for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
      String name = StorableText.escape(p.getKey());
      if (!known.contains(p.getKey())) {
        throw new BadRequestResponse(
            "unknown query parameter '"
                + name
                + "'"
                + (known.isEmpty()
                    ? "; this route takes none"
                    : "; this route takes " + known.stream().sorted().toList()));
      }
      if (p.getValue().size() > 1) {
        throw new BadRequestResponse(
            "query parameter '" + name + "' is given " + p.getValue().size() + " times");
      }
      check("query parameter '" + name + "'", p.getValue().get(0));
    }
    for (Map.Entry<String, String> p : ctx.pathParamMap().entrySet()) {
      check("path parameter '" + p.getKey() + "'", p.getValue());
    }
  }

  private static void check(String what, String value) {
    Optional<String> problem = StorableText.problemInName(what, value, MAX_PARAMETER);
    if (problem.isPresent()) {
      throw new BadRequestResponse(problem.get());
    }
  }

  /**
   * Headers for every {@code /api/} response: data about animals and rangers is not for shared
   * caches.
   */
  public static void dataHeaders(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
  }
}
