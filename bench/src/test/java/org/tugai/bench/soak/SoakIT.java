package org.tugai.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tugai.embedded.MosquittoProcess;

/**
 * The soak, short: every fault once under steady load (about five minutes), then the verifier.
 * Timings are printed, not asserted; what is asserted is the guarantee: nothing acknowledged is
 * lost, nothing is stored twice or unasked, only the deliberately bad messages are dead letters,
 * the crossings stored are those a fresh topology makes of the same raw fixes, and every alert
 * stored reached the rangers' MQTT topic and the webhook (down for a minute meanwhile) and is
 * stored in its latest state.
 */
class SoakIT {

  @Test
  void everyAcknowledgedMessageIsStoredExactlyOnceThroughEveryFault() throws Exception {
    Assumptions.assumeTrue(MosquittoProcess.binary().isPresent(), "needs mosquitto");
    // It starts, stops and kills its own broker and database processes; CI's second pass (the same
    // tests against the machine's shared services, given by environment) has nothing to add to it.
    Assumptions.assumeTrue(
        System.getenv("TUGAI_KAFKA_BOOTSTRAP_SERVERS") == null,
        "runs once, in the self-contained pass");
    Soak.Params params = new Soak.Params(Duration.ofMinutes(4), 100, 10, 100, 1);
    // Under target, not a temporary directory: the services' logs stay for whoever reads a failure.
    Path dir = Files.createDirectories(Path.of("target", "soak-" + System.currentTimeMillis()));
    Soak.Figures f = Soak.run(params, dir);
    Soak.print(params, f);
    assertThat(f.fixesAcked()).isGreaterThan(10_000);
    assertThat(f.fixesLost()).as("acknowledged fixes missing from the store").isZero();
    assertThat(f.eventsLost()).as("acknowledged camera events missing from the store").isZero();
    assertThat(f.fixesUnknown()).as("stored fixes the harness never sent").isZero();
    assertThat(f.otherDeadLetters())
        .as("dead letters other than the deliberately bad messages")
        .isZero();
    assertThat(f.badDeadLetters()).isGreaterThanOrEqualTo(f.badAcked());
    assertThat(f.faults()).hasSize(7);
    Soak.Outputs o = f.outputs();
    assertThat(o.crossingsStored()).as("the crossers crossed").isPositive();
    assertThat(o.crossingDifferences())
        .as("stored crossings that a replay of the raw fixes does not make, or makes otherwise")
        .isEmpty();
    assertThat(o.alertsStored()).as("crossing notices at least").isPositive();
    assertThat(o.alertsNotOnMqtt()).as("alerts that never reached a ranger's topic").isZero();
    assertThat(o.alertsNotOnWebhook()).as("alerts the webhook never received").isZero();
    assertThat(o.alertsNotFinal())
        .as("alerts stored in an earlier state than their latest")
        .isZero();
  }
}
