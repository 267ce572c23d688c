package org.tugai.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Fix;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.decode.Decoders;
import org.tugai.gateway.decode.LorawanProfiles;
import org.tugai.gateway.decode.NativeCameraEventDecoderTest;
import org.tugai.gateway.decode.NativeFixDecoderTest;
import org.tugai.gateway.registry.Deployments;
import org.tugai.schemas.Topics;

class MessageRouterTest {

  private final Topics topics = Topics.standard();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MessageRouter router =
      new MessageRouter(
          topics,
          Decoders.of(NativeFixDecoderTest.WINDOW, LorawanProfiles.defaults()),
          new DeviceCheck(Deployments.NONE, DeviceCheck.UnknownDevices.ACCEPT),
          256 * 1024,
          Clock.fixed(NativeFixDecoderTest.NOW, ZoneOffset.UTC),
          new GatewayMetrics(registry));

  private DeadLetter deadLetter(ProducerRecord<String, byte[]> r) {
    assertThat(r.topic()).isEqualTo("tugai.deadletter.v1");
    return topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
  }

  @Test
  void aGoodFixBecomesAnAvroRecordKeyedByCollar() {
    List<ProducerRecord<String, byte[]>> out =
        router.route(
            "local",
            "tugai/v1/collars/TJ-BD-017/fixes",
            NativeFixDecoderTest.DESIGN_EXAMPLE.getBytes(StandardCharsets.UTF_8));
    assertThat(out)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.topic()).isEqualTo("tugai.fixes.v1");
              assertThat(r.key()).isEqualTo("TJ-BD-017");
              Fix fix =
                  topics.fixes().valueSerde().deserializer().deserialize(r.topic(), r.value());
              assertThat(fix.getLat()).isEqualTo(37.312);
              assertThat(fix.getSource()).isEqualTo("local:tugai/v1/collars/TJ-BD-017/fixes");
            });
  }

  @Test
  void aMegabytePayloadIsDeadLetteredTruncatedWithItsSize() {
    byte[] huge = new byte[1024 * 1024];
    Arrays.fill(huge, (byte) 'x');
    List<ProducerRecord<String, byte[]>> out =
        router.route("local", "tugai/v1/collars/C1/fixes", huge);
    DeadLetter letter = deadLetter(out.get(0));
    assertThat(out).hasSize(1);
    assertThat(letter.getReasonCode()).isEqualTo("payload-too-large");
    assertThat(letter.getPayloadSize()).isEqualTo(1024 * 1024);
    assertThat(letter.getPayloadTruncated()).isTrue();
    assertThat(letter.getPayload().remaining()).isEqualTo(256 * 1024);
    assertThat(letter.getDeviceId()).isEqualTo("C1");
    assertThat(out.get(0).key()).isEqualTo("C1");
  }

  @Test
  void anUnknownTopicIsDeadLetteredWithItsSource() {
    DeadLetter letter =
        deadLetter(router.route("ttn", "foo/bar", "{}".getBytes(StandardCharsets.UTF_8)).get(0));
    assertThat(letter.getReasonCode()).isEqualTo("unknown-topic");
    assertThat(letter.getSource()).isEqualTo("ttn:foo/bar");
    assertThat(letter.getDeviceId()).isNull();
  }

  @Test
  void aBadFixIsDeadLetteredWithRawBytesReasonAndTimeAndCounted() {
    byte[] payload =
        "{\"collarId\":\"C1\",\"fixTime\":\"2026-03-01T04:00:00Z\",\"lat\":91,\"lon\":68}"
            .getBytes(StandardCharsets.UTF_8);
    DeadLetter letter =
        deadLetter(router.route("local", "tugai/v1/collars/C1/fixes", payload).get(0));
    assertThat(letter.getReasonCode()).isEqualTo("out-of-range");
    assertThat(letter.getReason()).contains("lat 91");
    assertThat(letter.getComponent()).isEqualTo("gateway");
    assertThat(letter.getOccurredAt()).isEqualTo(NativeFixDecoderTest.NOW);
    assertThat(letter.getPayload().array()).isEqualTo(payload);
    assertThat(registry.counter("tugai.gateway.deadletters", "reason", "out-of-range").count())
        .isEqualTo(1.0);
  }

  @Test
  void aCameraEventGoesToDetections() {
    var out =
        router.route(
            "local",
            "tugai/v1/cameras/CT-UZ4-03/detections",
            NativeCameraEventDecoderTest.DESIGN_EXAMPLE.getBytes(StandardCharsets.UTF_8));
    assertThat(out)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.topic()).isEqualTo("tugai.detections.v1");
              assertThat(r.key()).isEqualTo("CT-UZ4-03");
            });
  }
}
