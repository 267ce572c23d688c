package org.tugai.gateway.decode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.tugai.schemas.ReasonCodes;

/**
 * Plausible event times: not further in the future than clock skew allows (a collar whose clock
 * reset to 2099), not before {@code earliest} (a receiver that lost its almanac reports the GPS
 * epoch, 1980).
 */
public record TimeWindow(Clock clock, Duration maxFutureSkew, Instant earliest) {

  void check(String field, Instant time) throws RejectedException {
    Instant latest = clock.instant().plus(maxFutureSkew);
    if (time.isAfter(latest)) {
      throw new RejectedException(
          ReasonCodes.FUTURE_TIME,
          field + " " + time + " is more than " + maxFutureSkew + " in the future");
    }
    if (time.isBefore(earliest)) {
      throw new RejectedException(
          ReasonCodes.TOO_OLD, field + " " + time + " is before " + earliest);
    }
  }
}
