package org.tugai.api.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;

/** What a token may do. A route names the roles it admits; a route that names none is public. */
public enum Role implements RouteRole {
  /** Alerts of their own zones, acknowledging them, live positions inside their zones. */
  RANGER,
  /** Tracks, crossings, detections and exports; positions precise only after the embargo. */
  SCIENTIST,
  /** Everything, precise. */
  ADMIN;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role of(String word) {
    for (Role r : values()) {
      if (r.word().equals(word)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "role must be ranger, scientist or admin, not '" + word + "'");
  }
}
