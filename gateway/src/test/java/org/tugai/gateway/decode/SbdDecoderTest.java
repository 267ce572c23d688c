package org.tugai.gateway.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;
import org.tugai.schemas.ReasonCodes;

class SbdDecoderTest {

  private static final Instant NOW = Instant.parse("2026-11-20T06:05:00Z");
  private static final Instant SESSION = Instant.parse("2026-11-20T06:00:00Z");
  private final TimeWindow window =
      new TimeWindow(
          Clock.fixed(NOW, ZoneOffset.UTC),
          Duration.ofMinutes(10),
          Instant.parse("2000-01-01T00:00:00Z"));
  private final SbdDecoder decoder =
      new SbdDecoder(SbdProfiles.from(Settings.of(Map.of())), window);

  @Test
  void aStoreAndForwardMessageGivesEachGoodRecordAFixAndEachBadOneADeadLetter() {
    byte[] payload =
        ByteBuffer.allocate(48)
            .put(
                BinaryLayoutTest.compact(
                    Instant.parse("2026-11-20T04:00:00Z"), 37.5, 68.1, 400, 1.2, 8, 3, false))
            .put(
                BinaryLayoutTest.compact(
                    Instant.parse("2026-11-20T05:00:00Z"), 95.0, 68.1, 400, 1.2, 8, 3, false))
            .put(
                BinaryLayoutTest.compact(
                    Instant.parse("2026-11-20T05:30:00Z"), 37.6, 68.2, 410, 0.9, 10, 3, true))
            .array();

    Decoded<Fix> out =
        decoder.decode(
            "TJ-BD-100",
            Optional.empty(),
            payload,
            SESSION,
            "iridium-directip:300234010000001:7",
            NOW);

    assertThat(out.records())
        .extracting(Fix::getFixTime)
        .containsExactly(
            Instant.parse("2026-11-20T04:00:00Z"), Instant.parse("2026-11-20T05:30:00Z"));
    Fix last = out.records().get(1);
    assertThat(last.getCollarId()).isEqualTo("TJ-BD-100");
    assertThat(last.getMortality()).isTrue();
    assertThat(last.getFixType()).isEqualTo(FixType.THREE_D);
    assertThat(last.getDeviceTime()).isEqualTo(SESSION);
    assertThat(last.getReceivedAt()).isEqualTo(NOW);
    assertThat(last.getSource()).isEqualTo("iridium-directip:300234010000001:7");
    assertThat(out.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo(ReasonCodes.OUT_OF_RANGE);
              assertThat(p.rejection().reason()).startsWith("record 1 of 3: ");
            });
  }

  @Test
  void aRecordFromTheFutureIsRefusedAsAnMqttFixWouldBe() {
    byte[] payload =
        BinaryLayoutTest.compact(NOW.plus(Duration.ofHours(3)), 37.5, 68.1, 400, 1.2, 8, 3, false);
    Decoded<Fix> out = decoder.decode("C1", Optional.empty(), payload, SESSION, "s", NOW);
    assertThat(out.records()).isEmpty();
    assertThat(out.rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.rejection().code()).isEqualTo(ReasonCodes.FUTURE_TIME));
  }

  @Test
  void aProfileNoOneConfiguredIsADeadLetterNamingTheKnownOnes() {
    Decoded<Fix> out =
        decoder.decode("C1", Optional.of("lotek-9000"), new byte[16], SESSION, "s", NOW);
    assertThat(out.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo(ReasonCodes.UNDECODABLE);
              assertThat(p.rejection().reason())
                  .contains("lotek-9000")
                  .contains("tugai-compact-v1");
            });
  }

  @Test
  void aVendorDecoderOnTheClassPathIsAProfileAndItsBugsAreDeadLetters() {
    Decoded<Fix> ok =
        decoder.decode(
            "C1", Optional.of(TextLineDecoder.NAME), "37.25,68.5".getBytes(), SESSION, "s", NOW);
    assertThat(ok.records())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getLat()).isEqualTo(37.25);
              assertThat(f.getFixTime()).isEqualTo(SESSION);
            });
    Decoded<Fix> broken =
        decoder.decode(
            "C1", Optional.of(TextLineDecoder.NAME), "boom".getBytes(), SESSION, "s", NOW);
    assertThat(broken.rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.rejection().reason()).contains(TextLineDecoder.NAME));
  }

  @Test
  void configuredLayoutsAreCheckedAtStartUpNamingTheKey() {
    Settings bad =
        Settings.of(
            Map.of(
                "gateway.sbd.profiles.v1.record-bytes",
                "8",
                "gateway.sbd.profiles.v1.fields.lat",
                "0:32:signed:1e-7",
                "gateway.sbd.profiles.v1.fields.lon",
                "32:3x"));
    Assertions.assertThatThrownBy(() -> SbdProfiles.from(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.sbd.profiles.v1.fields.lon");
    Assertions.assertThatThrownBy(
            () -> SbdProfiles.from(Settings.of(Map.of("gateway.sbd.default-profile", "nope"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.sbd.default-profile");
    SbdProfiles good =
        SbdProfiles.from(
            Settings.of(
                Map.of(
                    "gateway.sbd.profiles.v1.record-bytes",
                    "8",
                    "gateway.sbd.profiles.v1.fields.lat",
                    "0:32:signed:1e-7",
                    "gateway.sbd.profiles.v1.fields.lon",
                    "32:32:signed:1e-7",
                    "gateway.sbd.default-profile",
                    "v1")));
    assertThat(good.decoder(Optional.empty()))
        .get()
        .extracting(SbdPayloadDecoder::name)
        .isEqualTo("v1");
  }

  /** A stand-in vendor plug-in, registered in the test class path's META-INF/services. */
  public static final class TextLineDecoder implements SbdPayloadDecoder {
    static final String NAME = "test-text-line";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public List<SbdFix> decode(byte[] payload, Instant sessionTime) {
      String[] parts = new String(payload).split(",");
      return List.of(
          new SbdFix(
              null,
              Double.parseDouble(parts[0]),
              Double.parseDouble(parts[1]),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null));
    }
  }
}
