package org.tugai.core.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.tugai.core.service.ServiceFailure;

class ServiceFailureTest {

  @Test
  void aThreadThatDiesOrEndsWhileRunningFailsTheServiceAndAStopDoesNot() throws Exception {
    ServiceFailure died = new ServiceFailure("ingest");
    Thread t =
        died.thread(
            "ingest-fixes-0",
            () -> {
              throw new IllegalStateException("boom");
            },
            () -> false);
    t.start();
    t.join();
    assertThat(died.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("ingest-fixes-0").contains("boom"));

    ServiceFailure ended = new ServiceFailure("gateway");
    Thread quiet = ended.thread("alerts-out", () -> {}, () -> false);
    quiet.start();
    quiet.join();
    assertThat(ended.reason()).hasValueSatisfying(r -> assertThat(r).contains("ended"));

    ServiceFailure stopped = new ServiceFailure("api");
    AtomicBoolean stopping = new AtomicBoolean(true);
    Thread s =
        stopped.thread(
            "feed",
            () -> {
              throw new IllegalStateException("woken on close");
            },
            stopping::get);
    s.start();
    s.join();
    assertThat(stopped.reason()).isEmpty();

    died.fail("a second reason");
    assertThat(died.reason()).hasValueSatisfying(r -> assertThat(r).contains("boom"));
  }
}
