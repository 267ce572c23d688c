package org.tugai.api.auth;

import java.util.List;
import java.util.Set;

/**
 * Who is asking: the holder of one API token.
 *
 * @param tokenId the token's public id (safe to log)
 * @param zones a ranger's zones; empty for other roles
 */
public record Caller(String tokenId, String name, Role role, Set<String> zones) {

  /** True when the caller may see things located in any of these zones. */
  public boolean covers(List<String> placeZones) {
    if (role != Role.RANGER) {
      return true;
    }
    for (String z : placeZones) {
      if (zones.contains(z)) {
        return true;
      }
    }
    return false;
  }
}
