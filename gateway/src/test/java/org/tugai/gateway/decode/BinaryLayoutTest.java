package org.tugai.gateway.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class BinaryLayoutTest {

  private static final Instant SESSION = Instant.parse("2026-11-20T06:00:00Z");

  /** One record of Tugai's compact layout, written field by field as a collar's firmware would. */
  static byte[] compact(
      Instant time,
      double lat,
      double lon,
      int altitude,
      double hdop,
      int satellites,
      int fixType,
      boolean dead) {
    return ByteBuffer.allocate(16)
        .putInt((int) time.getEpochSecond())
        .putInt((int) Math.round(lat * 1e7))
        .putInt((int) Math.round(lon * 1e7))
        .putShort((short) altitude)
        .put((byte) Math.round(hdop * 10))
        .put((byte) ((satellites << 3) | (fixType << 1) | (dead ? 1 : 0)))
        .array();
  }

  @Test
  void theCompactLayoutReadsEveryFieldOfEachRecord() throws Exception {
    byte[] two =
        ByteBuffer.allocate(32)
            .put(
                compact(
                    Instant.parse("2026-11-20T04:00:00Z"),
                    37.512345,
                    68.123456,
                    412,
                    1.3,
                    9,
                    3,
                    false))
            .put(
                compact(
                    Instant.parse("2026-11-20T05:00:00Z"), -12.5, -70.25, -20, 25.5, 4, 2, true))
            .array();

    List<SbdFix> fixes = BinaryLayout.tugaiCompact().decode(two, SESSION);

    assertThat(fixes).hasSize(2);
    SbdFix a = fixes.get(0);
    assertThat(a.fixTime()).isEqualTo(Instant.parse("2026-11-20T04:00:00Z"));
    assertThat(a.lat()).isCloseTo(37.512345, Offset.offset(1e-7));
    assertThat(a.lon()).isCloseTo(68.123456, Offset.offset(1e-7));
    assertThat(a.altitudeM()).isEqualTo(412.0);
    assertThat(a.hdop()).isCloseTo(1.3, Offset.offset(1e-9));
    assertThat(a.satellites()).isEqualTo(9);
    assertThat(a.fixType()).isEqualTo("3D");
    assertThat(a.mortality()).isFalse();
    SbdFix b = fixes.get(1);
    assertThat(b.lat()).isEqualTo(-12.5);
    assertThat(b.lon()).isEqualTo(-70.25);
    assertThat(b.altitudeM()).isEqualTo(-20.0);
    assertThat(b.fixType()).isEqualTo("2D");
    assertThat(b.mortality()).isTrue();
  }

  @Test
  void aFailedFixRecordCarriesNoPosition() throws Exception {
    SbdFix f =
        BinaryLayout.tugaiCompact()
            .decode(compact(SESSION, 0, 0, 0, 0, 0, 0, false), SESSION)
            .get(0);
    assertThat(f.fixType()).isEqualTo("none");
    assertThat(f.lat()).isNull();
    assertThat(f.lon()).isNull();
  }

  @Test
  void aPayloadThatIsNotWholeRecordsIsRefusedWithItsLength() {
    assertThatThrownBy(() -> BinaryLayout.tugaiCompact().decode(new byte[17], SESSION))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("17 bytes")
        .hasMessageContaining("16-byte records");
  }

  @Test
  void aConfiguredLayoutReadsLittleEndianFieldsUnalignedBitsAndItsOwnEpoch() throws Exception {
    // A header byte (message type), then 12-byte records: minutes since 2020 (u24 LE), lat/lon as
    // 2^23/180 units (s24 LE), then battery in 20 mV steps above 3 V in 6 bits and a 2-bit activity
    // level.
    BinaryLayout layout =
        new BinaryLayout(
            "vendor",
            1,
            12,
            true,
            Instant.parse("2020-01-01T00:00:00Z"),
            true,
            Map.of(
                "fix-time", BinaryLayout.Field.parse("0:24:unsigned:60"),
                "lat", BinaryLayout.Field.parse("24:24:signed:" + (180.0 / (1 << 23))),
                "lon", BinaryLayout.Field.parse("48:24:signed:" + (180.0 / (1 << 23))),
                "battery-v", BinaryLayout.Field.parse("72:6:u:0.02:3"),
                "activity", BinaryLayout.Field.parse("78:2")));
    int minutes = 3_600_000 / 60;
    int lat = (int) Math.round(-33.25 * (1 << 23) / 180.0);
    int lon = (int) Math.round(150.5 * (1 << 23) / 180.0);
    ByteBuffer b = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 7);
    b.put((byte) minutes).put((byte) (minutes >> 8)).put((byte) (minutes >> 16));
    b.put((byte) lat).put((byte) (lat >> 8)).put((byte) (lat >> 16));
    b.put((byte) lon).put((byte) (lon >> 8)).put((byte) (lon >> 16));
    b.put((byte) ((45 << 2) | 2)).put((byte) 0).put((byte) 0);

    SbdFix f = layout.decode(b.array(), SESSION).get(0);

    assertThat(f.fixTime()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z").plusSeconds(3_600_000));
    assertThat(f.lat()).isCloseTo(-33.25, Offset.offset(1e-4));
    assertThat(f.lon()).isCloseTo(150.5, Offset.offset(1e-4));
    assertThat(f.batteryV()).isCloseTo(3.9, Offset.offset(1e-9));
    assertThat(f.activity()).isEqualTo(2);
  }

  @Test
  void aLayoutThatCannotBeReadIsRefusedWhenConfigured() {
    assertThatThrownBy(() -> BinaryLayout.Field.parse("8")).hasMessageContaining("OFFSET:WIDTH");
    assertThatThrownBy(() -> BinaryLayout.Field.parse("8:16:maybe"))
        .hasMessageContaining("neither signed nor unsigned");
    assertThatThrownBy(
            () ->
                new BinaryLayout(
                    "x",
                    0,
                    4,
                    false,
                    Instant.EPOCH,
                    false,
                    Map.of(
                        "lat",
                        BinaryLayout.Field.parse("0:16"),
                        "lon",
                        BinaryLayout.Field.parse("16:24"))))
        .hasMessageContaining("lon ends at bit 40");
    assertThatThrownBy(
            () ->
                new BinaryLayout(
                    "x",
                    0,
                    8,
                    false,
                    Instant.EPOCH,
                    false,
                    Map.of(
                        "lat",
                        BinaryLayout.Field.parse("0:16"),
                        "lon",
                        BinaryLayout.Field.parse("16:16"),
                        "speed",
                        BinaryLayout.Field.parse("32:8"))))
        .hasMessageContaining("'speed' is not a field");
  }
}
