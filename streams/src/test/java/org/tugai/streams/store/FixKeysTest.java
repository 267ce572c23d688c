package org.tugai.streams.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keys' byte order is what the stores' range scans rely on. */
class FixKeysTest {

  private static final long[] TIMES = {
    Instant.parse("1969-12-31T23:59:59Z").toEpochMilli(),
    0,
    Instant.parse("2026-03-01T00:00:00Z").toEpochMilli(),
    Instant.parse("2026-03-01T00:00:00.001Z").toEpochMilli()
  };

  @Test
  void fixKeysSortInFixTimeOrderBefore1970Too() {
    List<String> keys = new ArrayList<>();
    for (long t : TIMES) {
      keys.add(FixKeys.of("TJ-BD-001", t));
    }
    assertThat(keys).isSorted();
    for (int i = 0; i < TIMES.length; i++) {
      assertThat(FixKeys.timeOf(keys.get(i))).isEqualTo(TIMES[i]);
    }
  }

  @Test
  void checkpointKeysAreARangeOfTheirOwnOutsideTheFixes() {
    String collar = "TJ-BD-001";
    List<String> checkpoints = new ArrayList<>();
    for (long t : TIMES) {
      String key = FixKeys.checkpoint(collar, t);
      checkpoints.add(key);
      assertThat(FixKeys.timeOf(key)).isEqualTo(t);
      assertThat(key)
          .as("after every fix key of the collar, so a range over its fixes never meets one")
          .isGreaterThan(FixKeys.last(collar));
      assertThat(key).isNotEqualTo(FixKeys.of(collar, t));
    }
    assertThat(checkpoints).isSorted();
    String from = FixKeys.first(collar);
    String to = FixKeys.checkpoint(collar, Long.MAX_VALUE);
    for (String other : List.of(collar + "0", "TJ-BD-00", "TJ-BD-002")) {
      for (long t : TIMES) {
        assertThat(List.of(FixKeys.of(other, t), FixKeys.checkpoint(other, t), other))
            .as("no key of %s inside the range of %s", other, collar)
            .allSatisfy(k -> assertThat(k.compareTo(from) < 0 || k.compareTo(to) > 0).isTrue());
      }
    }
  }
}
