package org.tugai.api.auth;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before every matched route: a route with roles needs {@code Authorization: Bearer <token>}
 * of one of them (401 without a valid token, 403 with the wrong role). The caller is then available
 * to the handler.
 */
public final class AccessControl {

  private static final Logger log = LoggerFactory.getLogger(AccessControl.class);
  private static final String CALLER = "tugai.caller";

  private final ApiTokens tokens;

  public AccessControl(ApiTokens tokens) {
    this.tokens = tokens;
  }

  public void check(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.isEmpty()) {
      return;
    }
    String header = ctx.header("Authorization");
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).strip()
            : null;
    Optional<Caller> caller;
    try {
      caller = tokens.verify(token);
    } catch (SQLException e) {
      log.warn("cannot check a token, the store is unavailable: {}", e.getMessage());
      throw new ServiceUnavailableResponse("the store is unavailable; try again");
    }
    if (caller.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"tugai\"");
      throw new UnauthorizedResponse("a valid API token is required: Authorization: Bearer tg_...");
    }
    if (!roles.contains(caller.get().role())) {
      throw new ForbiddenResponse(
          "role '"
              + caller.get().role().word()
              + "' may not use "
              + ctx.method()
              + " "
              + ctx.endpointHandlerPath());
    }
    ctx.attribute(CALLER, caller.get());
  }

  /** The caller of a route with roles (checked before the handler runs). */
  public static Caller caller(Context ctx) {
    Caller c = ctx.attribute(CALLER);
    if (c == null) {
      throw new IllegalStateException("route has no roles, so no caller: " + ctx.path());
    }
    return c;
  }
}
