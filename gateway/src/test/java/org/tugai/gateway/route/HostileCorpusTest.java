package org.tugai.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.tugai.avro.DeadLetter;
import org.tugai.embedded.junit.HostileCorpus;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.decode.Decoders;
import org.tugai.gateway.decode.LorawanProfiles;
import org.tugai.gateway.decode.NativeFixDecoderTest;
import org.tugai.gateway.registry.Deployments;
import org.tugai.schemas.Topics;
import org.tugai.schemas.text.StorableText;

/**
 * Every device case of the committed hostile corpus, through the gateway's router: nothing of it
 * becomes data, each becomes dead letters with the expected reason, and every dead letter's text
 * can be stored as it is.
 */
class HostileCorpusTest {

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
  void theCorpusCoversEveryPathWithAtLeast300Cases() {
    HostileCorpus corpus =
        new HostileCorpus("H", NativeFixDecoderTest.NOW.minusSeconds(3600), "pa-a", "ranger-a");
    assertThat(corpus.devices().size() + corpus.http().size()).isGreaterThanOrEqualTo(300);
    assertThat(corpus.devices())
        .extracting(HostileCorpus.DeviceCase::path)
        .contains("collar", "camera", "megadetector", "ttn", "chirpstack", "ack");
    assertThat(corpus.devices())
        .extracting(c -> c.payload().length)
        .contains(1024 * 1024, 5 * 1024 * 1024, 8 * 1024 * 1024);
  }

  @Test
  void everyHostileDevicePayloadBecomesDeadLettersWithItsReasonAndNothingElse() {
    HostileCorpus corpus =
        new HostileCorpus("H", NativeFixDecoderTest.NOW.minusSeconds(3600), "pa-a", "ranger-a");
    List<String> wrong = new ArrayList<>();
    for (HostileCorpus.DeviceCase c : corpus.devices()) {
      List<ProducerRecord<String, byte[]>> out = router.route("local", c.topic(), c.payload());
      for (ProducerRecord<String, byte[]> r : out) {
        if (r.topic().equals(topics.deadLetters().name())) {
          DeadLetter letter =
              topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
          if (!letter.getReasonCode().equals(c.expect())) {
            wrong.add(
                c
                    + ": expected "
                    + c.expect()
                    + ", got "
                    + letter.getReasonCode()
                    + " ("
                    + letter.getReason()
                    + ")");
          }
        } else {
          wrong.add(c + ": became a record on " + r.topic());
        }
      }
    }
    assertThat(wrong).as("cases not refused as the corpus expects").isEmpty();
    for (HostileCorpus.DeviceCase c : corpus.devices()) {
      List<ProducerRecord<String, byte[]>> out = router.route("local", c.topic(), c.payload());
      assertThat(out)
          .as(c.toString())
          .isNotEmpty()
          .allSatisfy(
              r -> assertThat(r.topic()).as(c.toString()).isEqualTo(topics.deadLetters().name()));
      for (ProducerRecord<String, byte[]> r : out) {
        DeadLetter letter =
            topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
        assertThat(letter.getReasonCode()).as(c + ": " + letter.getReason()).isEqualTo(c.expect());
        assertThat(letter.getSource()).as(c.toString()).contains(c.id());
        for (String text :
            new String[] {letter.getReason(), letter.getSource(), letter.getDeviceId()}) {
          assertThat(StorableText.problemInName("dead letter text", text, 100_000))
              .as(c + ": " + text)
              .isEmpty();
        }
        assertThat(letter.getPayload().remaining())
            .as("stored payload is bounded")
            .isLessThanOrEqualTo(256 * 1024);
      }
    }
  }

  @Test
  void aUtf8ByteOrderMarkIsIgnoredOnEveryFormat() {
    String time = NativeFixDecoderTest.NOW.minusSeconds(3600).toString();
    Map<String, String> good =
        Map.of(
            "tugai/v1/collars/B1/fixes",
                "{\"collarId\":\"B1\",\"fixTime\":\"" + time + "\",\"lat\":37.3,\"lon\":68.1}",
            "tugai/v1/cameras/B2/detections",
                "{\"cameraId\":\"B2\",\"eventId\":\"e1\",\"capturedAt\":\""
                    + time
                    + "\",\"detections\":[]}",
            "tugai/v1/cameras/B3/megadetector",
                "{\"images\":[{\"file\":\"IMG_1.JPG\",\"datetime\":\""
                    + time
                    + "\",\"detections\":[]}]}",
            "v3/app/devices/B4/up",
                "{\"end_device_ids\":{\"device_id\":\"B4\"},\"received_at\":\""
                    + time
                    + "\",\"uplink_message\":"
                    + "{\"decoded_payload\":{\"latitude\":37.3,\"longitude\":68.1}}}",
            "application/app/device/B5/event/up",
                "{\"deviceInfo\":{\"devEui\":\"B5\"},\"time\":\""
                    + time
                    + "\",\"object\":"
                    + "{\"latitude\":37.3,\"longitude\":68.1}}",
            "tugai/v1/acks/pa-a/ranger-a/B6", "{\"note\":\"on our way\"}");
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    for (Map.Entry<String, String> e : good.entrySet()) {
      byte[] json = e.getValue().getBytes(StandardCharsets.UTF_8);
      byte[] withBom = new byte[bom.length + json.length];
      System.arraycopy(bom, 0, withBom, 0, bom.length);
      System.arraycopy(json, 0, withBom, bom.length, json.length);
      assertThat(router.route("local", e.getKey(), withBom))
          .as(e.getKey())
          .isNotEmpty()
          .allSatisfy(
              r -> assertThat(r.topic()).as(e.getKey()).isNotEqualTo(topics.deadLetters().name()));
    }
  }
}
