package org.tugai.gateway.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.tugai.avro.AlertAck;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.ReasonCodes;

/**
 * Who acknowledged is the broker-authenticated user of the topic; text the store cannot hold is
 * refused.
 */
class AlertAckDecoderTest {

  private final AlertAckDecoder decoder = new AlertAckDecoder();
  private static final Instant NOW = Instant.parse("2026-06-15T19:05:00Z");

  private Decoded<AlertAck> decode(String user, String json) {
    DeviceTopic topic =
        DeviceTopic.parse(MqttTopics.ack("pa-a", user, "CT-1|intrusion|1")).orElseThrow();
    return decoder.decode(topic, json.getBytes(StandardCharsets.UTF_8), "mqtt:" + topic, NOW);
  }

  @Test
  void theIdentityIsTheTopicsUserAndTheChannelIsKept() {
    AlertAck ack = decode("ranger-a", "{\"note\": \"on our way\"}").records().get(0);
    assertThat(ack.getBy()).isEqualTo("ranger-a");
    assertThat(ack.getVia()).isEqualTo("mqtt-user:ranger-a");
    assertThat(ack.getChannel()).isEqualTo("pa-a");
    assertThat(ack.getNote()).isEqualTo("on our way");
    assertThat(decode("ranger-a", "{\"by\": \"ranger-a\"}").records()).hasSize(1);
    // The client's own id, so the same acknowledgement sent again is applied once.
    assertThat(decode("ranger-a", "{\"ackId\": \"q-7\"}").records().get(0).getAckId())
        .isEqualTo("q-7");
    assertThat(decode("ranger-a", "").records())
        .singleElement()
        .extracting(AlertAck::getNote)
        .isNull();
  }

  @Test
  void aPayloadClaimingSomeoneElseIsRefused() {
    Decoded<AlertAck> d = decode("ranger-a", "{\"by\": \"admin\"}");
    assertThat(d.records()).isEmpty();
    assertThat(d.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo(ReasonCodes.IDENTITY_MISMATCH);
              assertThat(p.rejection().reason()).contains("admin").contains("ranger-a");
            });
  }

  @Test
  void nulControlCharactersAndOverlongNotesAreRefusedWithAReason() {
    for (String json :
        new String[] {
          "{\"note\": \"on our way\\u0000\"}",
          "{\"note\": \"\\u001b[31mred\"}",
          "{\"note\": \"" + "x".repeat(2_001) + "\"}",
          "{\"ackId\": \"" + "x".repeat(101) + "\"}"
        }) {
      Decoded<AlertAck> d = decode("ranger-a", json);
      assertThat(d.records()).as(json).isEmpty();
      assertThat(d.rejected())
          .as(json)
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p.rejection().code())
                      .isIn(ReasonCodes.BAD_TEXT, ReasonCodes.OUT_OF_RANGE));
    }
    assertThat(decode("ranger-a", "{\"note\": \"line one\\nline two\"}").records()).hasSize(1);
    Decoded<AlertAck> nulUser = decode("ranger\u0000a", "{}");
    assertThat(nulUser.rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.rejection().reason()).contains("the user").contains("NUL"));
  }
}
