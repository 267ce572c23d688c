package org.tugai.api.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.schemas.text.StorableText;

/**
 * Every error the API answers, as {@code application/problem+json} (RFC 9457): {@code type}, {@code
 * title}, {@code status}, {@code detail}; {@code error} repeats the detail for clients written
 * before. Nothing internal (no exception class, no stack trace, no SQL) reaches the caller; the log
 * has it.
 */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  public static void install(Javalin app) {
    app.exception(
        HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), e.getMessage()));
    app.exception(
        SQLException.class,
        (e, ctx) -> {
          log.warn("{} {} failed on the store: {}", ctx.method(), ctx.path(), e.getMessage());
          answer(ctx, 503, "the store is unavailable; try again");
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("{} {} failed", ctx.method(), ctx.path(), e);
          answer(ctx, 500, "the request failed on the server; the server's log has the details");
        });
    app.error(
        404,
        ctx -> {
          if (!CONTENT_TYPE.equals(ctx.res().getContentType())) {
            answer(ctx, 404, "no such resource: " + ctx.path());
          }
        });
  }

  /** Answers {@code status} with {@code detail} as a problem document. */
  public static void answer(Context ctx, int status, String detail) {
    HttpStatus s = HttpStatus.forStatus(status);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", s.getMessage());
    body.put("status", status);
    String shown =
        StorableText.escape(detail == null || detail.isBlank() ? s.getMessage() : detail);
    body.put("detail", shown);
    body.put("error", shown);
    ctx.status(status).json(body).contentType(CONTENT_TYPE);
  }
}
