package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SunTest {

  @Test
  void solarNoonAtTheEquinoxOnTheEquatorIsOverhead() {
    // 2026-03-20 equinox; solar noon at Greenwich is near 12:07 UTC (equation of time).
    assertThat(Sun.altitudeDeg(0, 0, Instant.parse("2026-03-20T12:07:00Z")))
        .isCloseTo(90, within(1.0));
  }

  @Test
  void dushanbeAtMidsummerNoonAndMidnight() {
    // Dushanbe 38.56N 68.77E: at the June solstice the noon sun stands at 90 - 38.56 + 23.44 = 74.9
    // degrees.
    assertThat(Sun.altitudeDeg(38.56, 68.77, Instant.parse("2026-06-21T07:25:00Z")))
        .isCloseTo(74.9, within(0.5));
    assertThat(Sun.altitudeDeg(38.56, 68.77, Instant.parse("2026-06-21T19:25:00Z")))
        .isCloseTo(-27.9, within(0.5));
  }

  @Test
  void sunsetIsWhereTheAltitudeCrossesZero() {
    // Dushanbe sunset on 2026-06-21 is at about 19:59 local (14:59 UTC) by published almanacs.
    assertThat(Sun.altitudeDeg(38.56, 68.77, Instant.parse("2026-06-21T14:45:00Z"))).isPositive();
    assertThat(Sun.altitudeDeg(38.56, 68.77, Instant.parse("2026-06-21T15:15:00Z"))).isNegative();
  }
}
