package org.tugai.gateway.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;
import org.tugai.schemas.ReasonCodes;

class FormatDecodersTest {

  private static final Instant NOW = NativeFixDecoderTest.NOW;
  private final Decoders decoders =
      Decoders.of(NativeFixDecoderTest.WINDOW, LorawanProfiles.defaults());

  static byte[] resource(String name) throws IOException {
    try (InputStream in = FormatDecodersTest.class.getResourceAsStream("/payloads/" + name)) {
      return in.readAllBytes();
    }
  }

  static byte[] edit(byte[] json, String from, String to) {
    String s = new String(json, StandardCharsets.UTF_8);
    assertThat(s).contains(from);
    return s.replace(from, to).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void ttnUplinkThroughTheLgt92Profile() throws IOException {
    Decoded<Fix> d =
        decoders
            .ttn()
            .decode("lgt92-deer-07", resource("ttn-v3-lgt92-uplink.json"), "ttn:v3/...", NOW);
    assertThat(d.rejected()).isEmpty();
    Fix fix = d.records().get(0);
    assertThat(fix.getCollarId()).isEqualTo("lgt92-deer-07");
    assertThat(fix.getLat()).isEqualTo(37.312345);
    assertThat(fix.getLon()).isEqualTo(68.127654);
    assertThat(fix.getHdop()).isEqualTo(1.4);
    assertThat(fix.getBatteryV()).isEqualTo(3.912);
    // No time in the payload: the earliest gateway's time of reception, not the application
    // server's received_at.
    assertThat(fix.getFixTime()).isEqualTo(Instant.parse("2026-03-01T04:00:02.299Z"));
    assertThat(fix.getRssiDbm()).isEqualTo(-97.0);
    assertThat(fix.getSnrDb()).isEqualTo(6.5);
    assertThat(fix.getRadioGateways()).containsExactly("tj-kurgan-tube-01", "tj-jilikul-02");
    assertThat(fix.getReceivedAt()).isEqualTo(NOW);
  }

  @Test
  void lgt92ReportsNoFixAsZeroZeroWhichIsAFailedFixNotADeadLetter() throws IOException {
    byte[] noFix =
        edit(
            edit(
                resource("ttn-v3-lgt92-uplink.json"), "\"latitude\": 37.312345", "\"latitude\": 0"),
            "\"longitude\": 68.127654",
            "\"longitude\": 0");
    Fix fix = decoders.ttn().decode("lgt92-deer-07", noFix, "ttn", NOW).records().get(0);
    assertThat(fix.getFixType()).isEqualTo(FixType.NONE);
    assertThat(fix.getLat()).isNull();
    assertThat(fix.getBatteryV()).isEqualTo(3.912);
  }

  @Test
  void ttnRejectsAPayloadForAnotherDeviceAndAMissingFormatter() throws IOException {
    Decoded<Fix> other =
        decoders.ttn().decode("lgt92-deer-08", resource("ttn-v3-lgt92-uplink.json"), "ttn", NOW);
    assertThat(other.rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.rejection().code()).isEqualTo(ReasonCodes.DEVICE_MISMATCH));
    byte[] raw =
        edit(resource("ttn-v3-lgt92-uplink.json"), "\"decoded_payload\"", "\"not_decoded\"");
    Decoded<Fix> noFormatter = decoders.ttn().decode("lgt92-deer-07", raw, "ttn", NOW);
    assertThat(noFormatter.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo(ReasonCodes.MISSING_FIELD);
              assertThat(p.rejection().reason()).contains("payload formatter");
            });
  }

  @Test
  void aConfiguredProfileMapsOtherFieldNamesAndTakesTheDevicesOwnTime() throws IOException {
    Settings s =
        Settings.of(
            Map.of(
                "gateway.lorawan.profiles.tracker.lat", "gps.lat",
                "gateway.lorawan.profiles.tracker.lon", "gps.lng",
                "gateway.lorawan.profiles.tracker.battery-v", "battery",
                "gateway.lorawan.profiles.tracker.fix-time", "gps.ts",
                "gateway.lorawan.device-profiles.lgt92-deer-07", "tracker"));
    Decoders custom = Decoders.of(NativeFixDecoderTest.WINDOW, LorawanProfiles.from(s));
    byte[] payload =
        edit(
            resource("ttn-v3-lgt92-uplink.json"),
            "\"latitude\": 37.312345,",
            "\"gps\": {\"lat\": 37.5, \"lng\": 68.5, \"ts\": 1772337600}, \"battery\": 3.7, \"latitude\": 37.312345,");
    Fix fix = custom.ttn().decode("lgt92-deer-07", payload, "ttn", NOW).records().get(0);
    assertThat(fix.getLat()).isEqualTo(37.5);
    assertThat(fix.getLon()).isEqualTo(68.5);
    assertThat(fix.getBatteryV()).isEqualTo(3.7);
    assertThat(fix.getFixTime()).isEqualTo(Instant.ofEpochSecond(1772337600));
  }

  @Test
  void aDeviceProfileNamingAnUnknownProfileIsAConfigError() {
    Settings s = Settings.of(Map.of("gateway.lorawan.device-profiles.d1", "nope"));
    Assertions.assertThatThrownBy(() -> LorawanProfiles.from(s))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'gateway.lorawan.device-profiles.d1'");
  }

  @Test
  void withoutGatewayTimesTheNetworkServersReceiveTimeIsTheFixTime() throws IOException {
    byte[] noGatewayTime =
        edit(
            edit(
                resource("ttn-v3-lgt92-uplink.json"),
                "\"time\": \"2026-03-01T04:00:02.301Z\",",
                ""),
            "\"time\": \"2026-03-01T04:00:02.299Z\",",
            "");
    assertThat(
            decoders
                .ttn()
                .decode("lgt92-deer-07", noGatewayTime, "ttn", NOW)
                .records()
                .get(0)
                .getFixTime())
        .isEqualTo(Instant.parse("2026-03-01T04:00:02.498Z"));
    byte[] withGwTime =
        edit(
            resource("chirpstack-v4-up.json"),
            "\"uplinkId\": 4217106255,",
            "\"uplinkId\": 4217106255, \"gwTime\": \"2026-03-01T04:00:02.871Z\", \"nsTime\": \"2026-03-01T04:00:02.990Z\",");
    assertThat(
            decoders
                .chirpstack()
                .decode("a840416eb1830f4d", withGwTime, "cs", NOW)
                .records()
                .get(0)
                .getFixTime())
        .isEqualTo(Instant.parse("2026-03-01T04:00:02.871Z"));
    byte[] withNsTime =
        edit(
            resource("chirpstack-v4-up.json"),
            "\"uplinkId\": 4217106255,",
            "\"uplinkId\": 4217106255, \"nsTime\": \"2026-03-01T04:00:02.990Z\",");
    assertThat(
            decoders
                .chirpstack()
                .decode("a840416eb1830f4d", withNsTime, "cs", NOW)
                .records()
                .get(0)
                .getFixTime())
        .isEqualTo(Instant.parse("2026-03-01T04:00:02.990Z"));
  }

  @Test
  void anUplinkWithoutAPositionIsAFailedFixOnBothServersAndOneWithoutACodecADeadLetter()
      throws IOException {
    byte[] ttnNoPosition =
        edit(
            edit(resource("ttn-v3-lgt92-uplink.json"), "\"latitude\": 37.312345,", ""),
            "\"longitude\": 68.127654,",
            "");
    byte[] csNoPosition =
        edit(resource("chirpstack-v4-up.json"), "\"latitude\": 39.65, \"longitude\": 66.96, ", "");
    byte[] csNullPosition =
        edit(
            resource("chirpstack-v4-up.json"),
            "\"latitude\": 39.65, \"longitude\": 66.96,",
            "\"latitude\": null, \"longitude\": null,");
    for (Decoded<Fix> d :
        List.of(
            decoders.ttn().decode("lgt92-deer-07", ttnNoPosition, "ttn", NOW),
            decoders.chirpstack().decode("a840416eb1830f4d", csNoPosition, "cs", NOW),
            decoders.chirpstack().decode("a840416eb1830f4d", csNullPosition, "cs", NOW))) {
      assertThat(d.rejected()).isEmpty();
      assertThat(d.records())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.getFixType()).isEqualTo(FixType.NONE);
                assertThat(f.getLat()).isNull();
                assertThat(f.getBatteryV()).isNotNull();
              });
    }
    byte[] ttnNoCodec =
        edit(resource("ttn-v3-lgt92-uplink.json"), "\"decoded_payload\"", "\"not_decoded\"");
    byte[] csNoCodec = edit(resource("chirpstack-v4-up.json"), "\"object\"", "\"not_decoded\"");
    for (Decoded<Fix> d :
        List.of(
            decoders.ttn().decode("lgt92-deer-07", ttnNoCodec, "ttn", NOW),
            decoders.chirpstack().decode("a840416eb1830f4d", csNoCodec, "cs", NOW))) {
      assertThat(d.rejected())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.rejection().code()).isEqualTo(ReasonCodes.MISSING_FIELD);
                assertThat(p.rejection().reason()).contains("payload formatter / codec");
              });
    }
  }

  @Test
  void chirpstackUplink() throws IOException {
    Decoded<Fix> d =
        decoders
            .chirpstack()
            .decode("a840416eb1830f4d", resource("chirpstack-v4-up.json"), "cs", NOW);
    assertThat(d.rejected()).isEmpty();
    Fix fix = d.records().get(0);
    assertThat(fix.getCollarId()).isEqualTo("a840416eb1830f4d");
    assertThat(fix.getLat()).isEqualTo(39.65);
    assertThat(fix.getLon()).isEqualTo(66.96);
    assertThat(fix.getFixTime()).isEqualTo(Instant.parse("2026-03-01T04:00:03.154Z"));
    assertThat(fix.getRssiDbm()).isEqualTo(-57.0);
    assertThat(fix.getRadioGateways()).containsExactly("0016c001ff1a2b3c");
  }

  @Test
  void megaDetectorBatchIsOneEventPerImageAndAFailedImageIsADeadLetter() throws IOException {
    Decoded<CameraEvent> d =
        decoders.megaDetector().decode("CT-UZ4-03", resource("megadetector-batch.json"), "md", NOW);
    assertThat(d.records()).hasSize(3);
    CameraEvent first = d.records().get(0);
    assertThat(first.getEventId()).isEqualTo("CT-UZ4-03/2026-03-01/IMG_0413.JPG");
    assertThat(first.getCapturedAt()).isEqualTo(Instant.parse("2026-03-01T00:12:09Z"));
    assertThat(first.getModel()).isEqualTo("md_v5a.0.0.pt");
    assertThat(first.getMedia()).containsExactly("CT-UZ4-03/2026-03-01/IMG_0413.JPG");
    assertThat(first.getDetections())
        .extracting(x -> x.getCategory())
        .containsExactly(DetectionClass.PERSON, DetectionClass.ANIMAL);
    assertThat(first.getDetections().get(1).getSpecies()).isEqualTo("Cervus elaphus bactrianus");
    assertThat(first.getDetections().get(0).getBbox()).isEqualTo(List.of(0.40, 0.38, 0.17, 0.24));
    assertThat(d.records().get(1).getDetections()).isEmpty();
    assertThat(d.records().get(2).getDetections().get(0).getCategory())
        .isEqualTo(DetectionClass.VEHICLE);
    assertThat(d.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo("detector-failure");
              assertThat(p.rejection().reason()).startsWith("image 2:").contains("IMG_0415.JPG");
              assertThat(new String(p.bytes(), StandardCharsets.UTF_8))
                  .contains("Failure image access");
            });
  }

  @Test
  void
      megaDetectorToItsSpecUnknownCategoriesAndWeakDetectionsIgnoredVideosOneEventMissingTimesFlagged()
          throws IOException {
    String batch =
        """
        {"images": [
          {"file": "IMG_1.JPG", "datetime": "2026:03:01 00:12:09", "detections": [
            {"category": "2", "conf": 0.93, "bbox": [0.4, 0.38, 0.17, 0.24]},
            {"category": "7", "conf": 0.99, "bbox": [0.1, 0.1, 0.1, 0.1]},
            {"category": "1", "conf": 0.061, "bbox": [0.5, 0.5, 0.1, 0.1]}]},
          {"file": "IMG_2.JPG", "detections": [{"category": "1", "conf": 0.8, "bbox": [0.2, 0.2, 0.2, 0.2]}]},
          {"file": "CT-9/VID_0007.MP4/frame000000.jpg", "datetime": "2026:03:01 01:00:00", "detections": []},
          {"file": "CT-9/VID_0007.MP4/frame000030.jpg", "datetime": "2026:03:01 01:00:01",
           "detections": [{"category": "2", "conf": 0.7, "bbox": [0.3, 0.3, 0.1, 0.2]}]},
          {"file": "CT-9/VID_0007.MP4/frame000060.jpg", "datetime": "2026:03:01 01:00:02",
           "detections": [{"category": "2", "conf": 0.9, "bbox": [0.3, 0.3, 0.1, 0.2]}]}
        ],
        "detection_categories": {"1": "animal", "2": "person", "3": "vehicle"},
        "info": {"format_version": "1.4", "detector": "md_v5a.0.0.pt"}}
        """;
    Map<String, Integer> skipped = new TreeMap<>();
    Decoders counting =
        Decoders.of(
            NativeFixDecoderTest.WINDOW,
            LorawanProfiles.defaults(),
            MegaDetectorDecoder.DEFAULT_MIN_CONFIDENCE,
            reason -> skipped.merge(reason, 1, Integer::sum));
    Decoded<CameraEvent> d =
        counting.megaDetector().decode("CT-9", batch.getBytes(StandardCharsets.UTF_8), "md", NOW);
    assertThat(d.rejected()).isEmpty();
    assertThat(d.records())
        .extracting(CameraEvent::getEventId)
        .containsExactly("IMG_1.JPG", "IMG_2.JPG", "CT-9/VID_0007.MP4");
    CameraEvent one = d.records().get(0);
    assertThat(one.getDetections())
        .singleElement()
        .satisfies(x -> assertThat(x.getCategory()).isEqualTo(DetectionClass.PERSON));
    assertThat(skipped)
        .containsExactlyInAnyOrderEntriesOf(Map.of("below-threshold", 1, "unknown-category", 1));
    assertThat(one.getQualityFlags()).isEmpty();
    CameraEvent noTime = d.records().get(1);
    assertThat(noTime.getCapturedAt()).isEqualTo(NOW);
    assertThat(noTime.getQualityFlags()).containsExactly(MegaDetectorDecoder.NO_CAPTURE_TIME);
    CameraEvent video = d.records().get(2);
    assertThat(video.getMedia()).containsExactly("CT-9/VID_0007.MP4");
    assertThat(video.getCapturedAt()).isEqualTo(Instant.parse("2026-03-01T01:00:00Z"));
    assertThat(video.getEndedAt())
        .as("the last frame: the export's eventEnd")
        .isEqualTo(Instant.parse("2026-03-01T01:00:02Z"));
    assertThat(video.getDetections())
        .hasSize(2)
        .allSatisfy(x -> assertThat(x.getCategory()).isEqualTo(DetectionClass.PERSON));
    // A lower threshold keeps the faint animal.
    Decoded<CameraEvent> lenient =
        Decoders.of(NativeFixDecoderTest.WINDOW, LorawanProfiles.defaults(), 0.05, reason -> {})
            .megaDetector()
            .decode("CT-9", batch.getBytes(StandardCharsets.UTF_8), "md", NOW);
    assertThat(lenient.records().get(0).getDetections()).hasSize(2);
  }

  @Test
  void topicsOfEveryFormatAreRecognised() {
    assertThat(DeviceTopic.parse("v3/tugai-collars@ttn/devices/lgt92-deer-07/up"))
        .contains(new DeviceTopic(DeviceTopic.Kind.TTN_UPLINK, "lgt92-deer-07"));
    assertThat(DeviceTopic.parse("v3/tugai-collars/devices/d1/up"))
        .contains(new DeviceTopic(DeviceTopic.Kind.TTN_UPLINK, "d1"));
    assertThat(DeviceTopic.parse("application/17c82e96/device/a840416eb1830f4d/event/up"))
        .contains(new DeviceTopic(DeviceTopic.Kind.CHIRPSTACK_UPLINK, "a840416eb1830f4d"));
    assertThat(DeviceTopic.parse("application/17c82e96/device/a840416eb1830f4d/event/join"))
        .isEmpty();
    assertThat(DeviceTopic.parse("tugai/v1/cameras/CT-UZ4-03/megadetector"))
        .contains(new DeviceTopic(DeviceTopic.Kind.MEGADETECTOR_BATCH, "CT-UZ4-03"));
  }
}
