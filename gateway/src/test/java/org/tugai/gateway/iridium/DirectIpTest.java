package org.tugai.gateway.iridium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class DirectIpTest {

  private static final Instant SESSION = Instant.parse("2026-11-20T06:00:00Z");
  private static final String IMEI = "300234010753370";

  @Test
  void aMessageWithHeaderPayloadAndLocationReadsBack() throws Exception {
    byte[] payload = {1, 2, 3, 4};
    byte[] bytes =
        DirectIp.encode(
            123_456,
            IMEI,
            0,
            4_242,
            7,
            SESSION,
            payload,
            Optional.of(new SbdMessage.IridiumLocation(-37.5125, -68.25, 12)));

    SbdMessage m = DirectIp.parse(DirectIp.readMessage(new ByteArrayInputStream(bytes)));

    assertThat(m.imei()).isEqualTo(IMEI);
    assertThat(m.momsn()).isEqualTo(4_242);
    assertThat(m.sessionTime()).isEqualTo(SESSION);
    assertThat(m.payload()).containsExactly(payload);
    assertThat(m.location())
        .get()
        .satisfies(
            l -> {
              assertThat(l.lat()).isCloseTo(-37.5125, Offset.offset(1e-4));
              assertThat(l.lon()).isCloseTo(-68.25, Offset.offset(1e-4));
              assertThat(l.cepKm()).isEqualTo(12.0);
            });
    assertThat(m.source()).isEqualTo("iridium-directip:" + IMEI + ":4242");
  }

  @Test
  void theLayoutIsTheProtocolsByteForByte() throws Exception {
    byte[] bytes =
        DirectIp.encode(
            0x01020304L,
            IMEI,
            0,
            0xABCD,
            0x0102,
            Instant.ofEpochSecond(0x5F5E1000L),
            new byte[] {9},
            Optional.empty());
    ByteBuffer b = ByteBuffer.wrap(bytes);
    assertThat(b.get()).isEqualTo((byte) 1); // revision
    assertThat(b.getShort())
        .isEqualTo((short) (bytes.length - 3)); // overall length, without the pre-header
    assertThat(b.get()).isEqualTo((byte) 0x01); // MO header
    assertThat(b.getShort()).isEqualTo((short) 28);
    assertThat(b.getInt()).isEqualTo(0x01020304);
    byte[] imei = new byte[15];
    b.get(imei);
    assertThat(new String(imei)).isEqualTo(IMEI);
    assertThat(b.get()).isZero(); // session status
    assertThat(b.getShort() & 0xFFFF).isEqualTo(0xABCD);
    assertThat(b.getShort()).isEqualTo((short) 0x0102);
    assertThat(b.getInt()).isEqualTo(0x5F5E1000);
    assertThat(b.get()).isEqualTo((byte) 0x02); // MO payload
    assertThat(b.getShort()).isEqualTo((short) 1);
    assertThat(b.get()).isEqualTo((byte) 9);
    assertThat(DirectIp.confirmation(true)).containsExactly(1, 0, 4, 5, 0, 1, 1);
  }

  @Test
  void aMessageWithoutPayloadIsAnEmptyOneNotAnError() throws Exception {
    SbdMessage m =
        DirectIp.parse(DirectIp.encode(1, IMEI, 13, 5, 0, SESSION, null, Optional.empty()));
    assertThat(m.payload()).isEmpty();
  }

  @Test
  void elementsOfLaterRevisionsAreSkipped() throws Exception {
    byte[] plain = DirectIp.encode(1, IMEI, 0, 5, 0, SESSION, new byte[] {7}, Optional.empty());
    byte[] extended = Arrays.copyOf(plain, plain.length + 5);
    System.arraycopy(new byte[] {0x0B, 0, 2, 42, 42}, 0, extended, plain.length, 5);
    int length = extended.length - 3;
    extended[1] = (byte) (length >> 8);
    extended[2] = (byte) length;
    assertThat(DirectIp.parse(extended).payload()).containsExactly(7);
  }

  @Test
  void brokenMessagesAreRefusedWithWhatIsWrong() {
    byte[] good = DirectIp.encode(1, IMEI, 0, 5, 0, SESSION, new byte[] {7, 8}, Optional.empty());
    byte[] lying = good.clone();
    lying[lying.length - 4] = 0x7F; // the payload element claims far more bytes than follow
    assertThatThrownBy(() -> DirectIp.parse(lying))
        .isInstanceOf(DirectIp.MalformedException.class)
        .hasMessageContaining("claims");
    byte[] badImei =
        DirectIp.encode(1, "30023401075337X", 0, 5, 0, SESSION, new byte[] {7}, Optional.empty());
    assertThatThrownBy(() -> DirectIp.parse(badImei)).hasMessageContaining("not 15 digits");
    byte[] headless = {1, 0, 4, 0x02, 0, 1, 7};
    assertThatThrownBy(() -> DirectIp.parse(headless)).hasMessageContaining("no MO header");
  }

  @Test
  void aConnectionThatEndsEarlyOrSpeaksAnotherProtocolIsToldApart() {
    byte[] good = DirectIp.encode(1, IMEI, 0, 5, 0, SESSION, new byte[] {7, 8}, Optional.empty());
    assertThatThrownBy(
            () -> DirectIp.readMessage(new ByteArrayInputStream(Arrays.copyOf(good, 20))))
        .isInstanceOf(DirectIp.TruncatedException.class)
        .hasMessageContaining("after 17 of");
    assertThatThrownBy(
            () -> DirectIp.readMessage(new ByteArrayInputStream("GET / HTTP/1.1\r\n".getBytes())))
        .isInstanceOf(DirectIp.NotDirectIpException.class);
    assertThatThrownBy(() -> DirectIp.readMessage(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(DirectIp.TruncatedException.class);
  }
}
