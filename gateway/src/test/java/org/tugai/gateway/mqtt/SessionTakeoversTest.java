package org.tugai.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionTakeoversTest {

  private Instant now = Instant.parse("2026-03-01T04:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SessionTakeovers takeovers = new SessionTakeovers(registry, clock);

  @Test
  void reasonSessionTakenOverIsReportedAtOnceAndForAWhile() {
    takeovers.register("source 'local'");
    assertThat(registry.find("tugai.gateway.mqtt.session.takeovers").counter().count()).isZero();
    takeovers.disconnected("source 'local'", "gw-1", SessionTakeovers.SESSION_TAKEN_OVER);
    assertThat(takeovers.problems())
        .singleElement()
        .satisfies(p -> assertThat(p).contains("taken over").contains("gw-1"));
    assertThat(registry.find("tugai.gateway.mqtt.session.takeovers").counter().count())
        .isEqualTo(1);
    now = now.plus(SessionTakeovers.REPORTED_FOR).plusSeconds(1);
    assertThat(takeovers.problems()).isEmpty();
  }

  @Test
  void aLostConnectionNowAndThenIsNotATakeoverButRepeatedDropsAre() {
    for (int i = 0; i < 5; i++) {
      takeovers.disconnected("alerts out", "gw-1-alerts", 0);
      now = now.plus(Duration.ofMinutes(2));
    }
    assertThat(takeovers.problems()).isEmpty();
    for (int i = 0; i < SessionTakeovers.FLAPS; i++) {
      takeovers.disconnected("alerts out", "gw-1-alerts", 0);
      now = now.plusSeconds(5);
    }
    assertThat(takeovers.problems())
        .singleElement()
        .satisfies(p -> assertThat(p).contains("alerts out").contains("gw-1-alerts"));
  }
}
