package org.tugai.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.gateway.decode.Decoded;
import org.tugai.gateway.registry.Deployments;

class DeviceCheckTest {

  private static final Instant DEPLOYED = Instant.parse("2026-02-01T00:00:00Z");
  private static final Deployments KNOWN =
      id -> Optional.ofNullable(Map.of("C1", DEPLOYED, "CT1", DEPLOYED).get(id));
  private static final byte[] RAW = "{raw}".getBytes(StandardCharsets.UTF_8);

  private static Fix fix(String collar, String time) {
    return Fix.newBuilder()
        .setCollarId(collar)
        .setFixTime(Instant.parse(time))
        .setLat(37.0)
        .setLon(68.0)
        .setFixType(FixType.THREE_D)
        .setReceivedAt(Instant.parse("2026-03-01T00:00:00Z"))
        .build();
  }

  private static Decoded<Fix> decoded(Fix... fixes) {
    return new Decoded<>(List.of(fixes), List.of());
  }

  @Test
  void flagModeKeepsAnUnknownDeviceWithAFlag() {
    Decoded<Fix> out =
        new DeviceCheck(KNOWN, DeviceCheck.UnknownDevices.FLAG)
            .fixes(
                decoded(fix("C9", "2026-03-01T00:00:00Z"), fix("C1", "2026-03-01T00:00:00Z")), RAW);
    assertThat(out.rejected()).isEmpty();
    assertThat(out.records().get(0).getQualityFlags()).containsExactly("unknown-device");
    assertThat(out.records().get(1).getQualityFlags()).isEmpty();
  }

  @Test
  void rejectModeDeadLettersAnUnknownDevice() {
    Decoded<Fix> out =
        new DeviceCheck(KNOWN, DeviceCheck.UnknownDevices.REJECT)
            .fixes(decoded(fix("C9", "2026-03-01T00:00:00Z")), RAW);
    assertThat(out.records()).isEmpty();
    assertThat(out.rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rejection().code()).isEqualTo("unknown-device");
              assertThat(p.bytes()).isEqualTo(RAW);
            });
  }

  @Test
  void acceptModeLetsAnUnknownDevicePassUnflagged() {
    Decoded<Fix> out =
        new DeviceCheck(Deployments.NONE, DeviceCheck.UnknownDevices.ACCEPT)
            .fixes(decoded(fix("C9", "2026-03-01T00:00:00Z")), RAW);
    assertThat(out.records())
        .singleElement()
        .satisfies(f -> assertThat(f.getQualityFlags()).isEmpty());
  }

  @Test
  void aFixFromBeforeTheFirstDeploymentIsRejectedInAnyMode() {
    for (DeviceCheck.UnknownDevices mode : DeviceCheck.UnknownDevices.values()) {
      Decoded<Fix> out =
          new DeviceCheck(KNOWN, mode)
              .fixes(
                  decoded(fix("C1", "2026-01-31T23:59:59Z"), fix("C1", "2026-02-01T00:00:00Z")),
                  RAW);
      assertThat(out.records()).extracting(Fix::getFixTime).containsExactly(DEPLOYED);
      assertThat(out.rejected())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.rejection().code()).isEqualTo("before-deployment");
                assertThat(p.rejection().reason()).contains("2026-01-31T23:59:59Z").contains("C1");
              });
    }
  }

  @Test
  void cameraEventsAreCheckedToo() {
    CameraEvent early =
        CameraEvent.newBuilder()
            .setCameraId("CT1")
            .setEventId("e")
            .setCapturedAt(Instant.parse("2026-01-01T00:00:00Z"))
            .setReceivedAt(Instant.parse("2026-03-01T00:00:00Z"))
            .build();
    Decoded<CameraEvent> out =
        new DeviceCheck(KNOWN, DeviceCheck.UnknownDevices.FLAG)
            .events(new Decoded<>(List.of(early), List.of()), RAW);
    assertThat(out.rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.rejection().code()).isEqualTo("before-deployment"));
  }
}
