package org.tugai.gateway.ack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tugai.gateway.GatewayMetrics;

/**
 * What a send error does to the MQTT message: retried, replaced by a dead letter, or intake
 * stopped; never a silent stall.
 */
class KafkaForwarderTest {

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
  private final List<String> systemic = new CopyOnWriteArrayList<>();
  private final KafkaForwarder forwarder =
      new KafkaForwarder(
          producer,
          retries,
          Duration.ofMillis(10),
          new GatewayMetrics(new SimpleMeterRegistry()),
          "deadletters",
          (record, reason) -> new ProducerRecord<>("deadletters", record.key(), reason.getBytes()),
          systemic::add);
  private final AtomicInteger acks = new AtomicInteger();

  @AfterEach
  void stop() {
    retries.shutdownNow();
  }

  private void forwardOne() {
    forwarder.forward(
        List.of(new ProducerRecord<>("fixes", "C1", new byte[] {1})), acks::incrementAndGet);
  }

  @Test
  void aRetriableErrorIsSentAgainAndTheMessageAcknowledgedOnceKafkaHasIt() {
    forwardOne();
    assertThat(producer.errorNext(new NotLeaderOrFollowerException("leader moving"))).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
    assertThat(acks.get()).isZero();
    assertThat(producer.completeNext()).isTrue();
    assertThat(acks.get()).isEqualTo(1);
    assertThat(systemic).isEmpty();
  }

  @Test
  void anAuthorisationErrorStopsIntakeAndIsNotRetriedNorAcknowledged() {
    forwardOne();
    assertThat(
            producer.errorNext(new TopicAuthorizationException("the gateway may not write fixes")))
        .isTrue();
    assertThat(systemic)
        .singleElement()
        .satisfies(s -> assertThat(s).contains("fixes").contains("ACL"));
    // Not sent again, for longer than the first retry's back-off would take.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> producer.history().size() == 1);
    assertThat(acks.get()).isZero();
  }

  @Test
  void aRecordKafkaWillNeverTakeIsReplacedByADeadLetterAndTheMessageAcknowledged() {
    forwardOne();
    assertThat(producer.errorNext(new RecordTooLargeException("2 MB"))).isTrue();
    assertThat(producer.history()).hasSize(2);
    assertThat(producer.history().get(1).topic()).isEqualTo("deadletters");
    assertThat(new String(producer.history().get(1).value())).contains("2 MB");
    assertThat(acks.get()).isZero();
    assertThat(producer.completeNext()).isTrue();
    assertThat(acks.get()).isEqualTo(1);
    assertThat(systemic).isEmpty();
  }
}
