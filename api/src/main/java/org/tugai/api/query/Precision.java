package org.tugai.api.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.tugai.api.auth.Caller;
import org.tugai.api.auth.Role;

/**
 * How precise a position a caller may see. Admins see everything; scientists see positions older
 * than the embargo as recorded and newer ones snapped to the centre of a grid cell; rangers see
 * positions inside their own zones and nothing elsewhere.
 *
 * @param embargo {@code api.scientist-embargo}
 * @param gridDeg {@code api.coarse-grid-deg}
 */
public record Precision(Duration embargo, double gridDeg) {

  /** What to do with one position. */
  public enum Treatment {
    PRECISE,
    COARSENED,
    HIDDEN
  }

  public Treatment treat(Caller caller, Instant time, List<String> zones, Instant now) {
    return switch (caller.role()) {
      case ADMIN -> Treatment.PRECISE;
      case SCIENTIST -> time.isBefore(now.minus(embargo)) ? Treatment.PRECISE : Treatment.COARSENED;
      case RANGER -> caller.covers(zones) ? Treatment.PRECISE : Treatment.HIDDEN;
    };
  }

  /** The centre of the grid cell holding the value: the same cell always gives the same number. */
  public double coarsen(double degrees) {
    return (Math.floor(degrees / gridDeg) + 0.5) * gridDeg;
  }

  /** The instant before which a scientist sees precise positions. */
  public Instant preciseBefore(Caller caller, Instant now) {
    return caller.role() == Role.SCIENTIST ? now.minus(embargo) : now;
  }
}
