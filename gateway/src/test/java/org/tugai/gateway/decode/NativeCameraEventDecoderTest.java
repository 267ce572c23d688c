package org.tugai.gateway.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.DetectionClass;

public class NativeCameraEventDecoderTest {

  public static final String DESIGN_EXAMPLE =
      """
      {"cameraId": "CT-UZ4-03", "eventId": "CT-UZ4-03-20260301-0412", "capturedAt": "2026-03-01T00:12:09Z",
       "media": ["IMG_0413.JPG", "IMG_0414.JPG"], "model": "MDv5a",
       "detections": [{"class": "person", "confidence": 0.93, "bbox": [0.40, 0.38, 0.17, 0.24]},
                      {"class": "animal", "species": "Cervus elaphus bactrianus", "confidence": 0.88, "count": 2}]}""";

  private final NativeCameraEventDecoder decoder =
      new NativeCameraEventDecoder(NativeFixDecoderTest.WINDOW);

  private Decoded<CameraEvent> decode(String camera, String json) {
    return decoder.decode(
        camera, json.getBytes(StandardCharsets.UTF_8), "local:x", NativeFixDecoderTest.NOW);
  }

  @Test
  void decodesTheDesignExample() {
    Decoded<CameraEvent> d = decode("CT-UZ4-03", DESIGN_EXAMPLE);
    assertThat(d.rejected()).isEmpty();
    CameraEvent e = d.records().get(0);
    assertThat(e.getEventId()).isEqualTo("CT-UZ4-03-20260301-0412");
    assertThat(e.getCapturedAt()).isEqualTo(Instant.parse("2026-03-01T00:12:09Z"));
    assertThat(e.getMedia()).containsExactly("IMG_0413.JPG", "IMG_0414.JPG");
    assertThat(e.getModel()).isEqualTo("MDv5a");
    assertThat(e.getDetections()).hasSize(2);
    assertThat(e.getDetections().get(0).getCategory()).isEqualTo(DetectionClass.PERSON);
    assertThat(e.getDetections().get(0).getBbox()).isEqualTo(List.of(0.40, 0.38, 0.17, 0.24));
    assertThat(e.getDetections().get(1).getSpecies()).isEqualTo("Cervus elaphus bactrianus");
    assertThat(e.getDetections().get(1).getCount()).isEqualTo(2);
  }

  @Test
  void anEventWithoutDetectionsIsAnEmptyTrigger() {
    Decoded<CameraEvent> d =
        decode(
            "CT1",
            "{\"cameraId\":\"CT1\",\"eventId\":\"e1\",\"capturedAt\":\"2026-03-01T00:00:00Z\"}");
    assertThat(d.records().get(0).getDetections()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown class|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"capturedAt\":\"2026-03-01T00:00:00Z\",\"detections\":[{\"class\":\"ghost\",\"confidence\":0.5}]}|out-of-range",
        "confidence 1.5|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"capturedAt\":\"2026-03-01T00:00:00Z\",\"detections\":[{\"class\":\"person\",\"confidence\":1.5}]}|out-of-range",
        "bbox of 3|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"capturedAt\":\"2026-03-01T00:00:00Z\",\"detections\":[{\"class\":\"person\",\"confidence\":0.5,\"bbox\":[0.1,0.2,0.3]}]}|out-of-range",
        "bbox in pixels|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"capturedAt\":\"2026-03-01T00:00:00Z\",\"detections\":[{\"class\":\"person\",\"confidence\":0.5,\"bbox\":[10,20,300,400]}]}|out-of-range",
        "another camera|{\"cameraId\":\"CT2\",\"eventId\":\"e\",\"capturedAt\":\"2026-03-01T00:00:00Z\"}|device-mismatch",
        "no eventId|{\"cameraId\":\"CT1\",\"capturedAt\":\"2026-03-01T00:00:00Z\"}|missing-field",
        "year 2099|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"capturedAt\":\"2099-03-01T00:00:00Z\"}|future-time",
        "media not strings|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"capturedAt\":\"2026-03-01T00:00:00Z\",\"media\":[1,2]}|wrong-type",
        "detections an object|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"capturedAt\":\"2026-03-01T00:00:00Z\",\"detections\":{}}|wrong-type",
        "truncated|{\"cameraId\":\"CT1\",\"eventId\":\"e\",\"captu|parse-error"
      })
  void rejectsNastyEvents(String what, String json, String code) {
    Decoded<CameraEvent> d = decode("CT1", json);
    assertThat(d.records()).as(what).isEmpty();
    assertThat(d.rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.rejection().code()).isEqualTo(code));
  }
}
