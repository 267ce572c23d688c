package org.tugai.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.tugai.avro.DeadLetter;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.decode.Decoders;
import org.tugai.gateway.decode.LorawanProfiles;
import org.tugai.gateway.decode.NativeFixDecoderTest;
import org.tugai.gateway.registry.Deployments;
import org.tugai.schemas.Topics;

/**
 * Every case of the corpus becomes exactly one dead letter with its expected reason; good fixes
 * pass.
 */
class NastyCorpusTest {

  private final Topics topics = Topics.standard();
  private final MessageRouter router =
      new MessageRouter(
          topics,
          Decoders.of(NativeFixDecoderTest.WINDOW, LorawanProfiles.defaults()),
          new DeviceCheck(Deployments.NONE, DeviceCheck.UnknownDevices.ACCEPT),
          256 * 1024,
          Clock.fixed(NativeFixDecoderTest.NOW, ZoneOffset.UTC),
          new GatewayMetrics(new SimpleMeterRegistry()));

  @Test
  void theCorpusIsLargeEnough() {
    assertThat(new NastyCorpus("N", NativeFixDecoderTest.NOW).cases())
        .hasSizeGreaterThanOrEqualTo(200);
  }

  @Test
  void everyNastyPayloadIsOneDeadLetterWithItsReason() {
    for (NastyCorpus.Case c : new NastyCorpus("N", NativeFixDecoderTest.NOW).cases()) {
      List<ProducerRecord<String, byte[]>> out = router.route("local", c.topic(), c.payload());
      assertThat(out).as(c.description()).hasSize(1);
      assertThat(out.get(0).topic()).as(c.description()).isEqualTo("tugai.deadletter.v1");
      DeadLetter letter =
          topics.deadLetters().valueSerde().deserializer().deserialize("t", out.get(0).value());
      assertThat(letter.getReasonCode())
          .as(c.description() + ": " + letter.getReason())
          .isEqualTo(c.expectedCode());
      assertThat(letter.getPayloadSize()).isEqualTo(c.payload().length);
      assertThat(out.get(0).key()).isEqualTo(c.collar());
    }
  }

  @Test
  void theGoodFixTheCorpusIsMadeFromPasses() {
    var out =
        router.route(
            "local",
            "tugai/v1/collars/G1/fixes",
            NastyCorpus.goodFix("G1", "2026-03-01T04:00:00Z").getBytes());
    assertThat(out)
        .singleElement()
        .satisfies(r -> assertThat(r.topic()).isEqualTo("tugai.fixes.v1"));
  }
}
