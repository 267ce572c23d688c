package org.tugai.gateway.camtrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Deployment;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.schemas.CameraEventFlags;

/** A Camtrap DP package read as deployments and camera events: events, their media, media-level observations, refusals. */
class CamtrapDpPackageTest {

  private static final Path PACKAGES = Path.of("src", "test", "resources", "camtrap-dp");
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void eventsGatherTheirMediaAndKeepWhatTheObservationsSay() throws Exception {
    CamtrapDpPackage.Contents c = CamtrapDpPackage.read(PACKAGES.resolve("tigrovaya-balka-2025"), NOW);
    assertThat(c.problems()).isEmpty();
    assertThat(c.observations()).isEqualTo(7);

    Map<String, Deployment> deployments = c.deployments().stream().collect(Collectors.toMap(Deployment::getDeploymentId, Function.identity()));
    assertThat(deployments.get("dep-tb-01").getDeviceId()).isEqualTo("CT-TB-01");
    assertThat(deployments.get("dep-tb-02").getDeviceId()).as("no cameraID: the deployment names the camera").isEqualTo("dep-tb-02");
    assertThat(deployments.get("dep-tb-02").getDeployOn()).isEqualTo(Instant.parse("2025-05-02T05:00:00Z"));
    assertThat(deployments.get("dep-tb-01").getDeployOff()).as("the end is inclusive in Camtrap DP, exclusive in Tugai")
        .isEqualTo(Instant.parse("2025-06-01T09:30:00.001Z"));

    Map<String, CameraEvent> events = c.events().stream().collect(Collectors.toMap(CameraEvent::getEventId, Function.identity()));
    assertThat(events).containsOnlyKeys("ev-01", "ev-02", "ev-03", "ev-04", "ev-05", "m07", "m10");
    assertThat(events.values()).allSatisfy(e -> assertThat(e.getQualityFlags()).contains(CameraEventFlags.IMPORTED));

    CameraEvent deer = events.get("ev-01");
    assertThat(deer.getMedia()).containsExactly("media/tb01/0001.JPG", "media/tb01/0002.JPG", "media/tb01/0003.JPG");
    assertThat(deer.getEndedAt()).isEqualTo(Instant.parse("2025-05-03T04:10:04Z"));
    Detection hind = deer.getDetections().get(0);
    assertThat(hind.getSpecies()).isEqualTo("Cervus elaphus bactrianus");
    assertThat(hind.getCount()).isEqualTo(2);
    assertThat(hind.getClassificationMethod()).isEqualTo("human");
    assertThat(hind.getClassifiedBy()).isEqualTo("Dilnoza Rakhimova");
    assertThat(hind.getSex()).isEqualTo("female");
    assertThat(hind.getObservationId()).isEqualTo("obs-01");

    CameraEvent person = events.get("ev-02");
    assertThat(person.getDetections()).extracting(Detection::getCategory).containsExactly(DetectionClass.PERSON, DetectionClass.PERSON);
    Detection boxed = person.getDetections().get(1);
    assertThat(boxed.getMediaIndex()).as("obs-03 is on m05, the event's second file").isEqualTo(1);
    assertThat(boxed.getBbox()).containsExactly(0.41, 0.22, 0.12, 0.51);
    assertThat(person.getDetections().get(0).getMediaIndex()).isNull();

    assertThat(events.get("ev-03").getDetections()).as("blank").isEmpty();
    assertThat(events.get("ev-03").getQualityFlags()).doesNotContain(CameraEventFlags.UNCLASSIFIED);
    assertThat(events.get("ev-04").getDetections().get(0).getObservationType()).isEqualTo("unknown");
    assertThat(events.get("ev-04").getMedia()).containsExactly("media/tb02/0001.MP4");
    assertThat(events.get("ev-05").getDetections().get(0).getObservationType()).isEqualTo("unclassified");
    assertThat(events.get("m07").getDetections()).isEmpty();
    assertThat(events.get("m07").getQualityFlags()).as("a medium no one looked at").contains(CameraEventFlags.UNCLASSIFIED);
    assertThat(events.get("m10").getDetections()).singleElement().satisfies(d -> {
      assertThat(d.getSpecies()).isEqualTo("Sus scrofa");
      assertThat(d.getMediaIndex()).isZero();
      assertThat(d.getConfidence()).isEqualTo(0.81);
    });
  }

  @Test
  void badRowsAreLeftOutWithTheirRowAndTheRestIsRead() throws Exception {
    CamtrapDpPackage.Contents c = CamtrapDpPackage.read(PACKAGES.resolve("broken"), NOW);
    assertThat(c.deployments()).extracting(Deployment::getDeploymentId).containsExactly("dep-ok");
    assertThat(c.problems()).extracting(p -> p.file() + ":" + p.row()).containsExactly("deployments.csv:2", "observations.csv:2",
        "observations.csv:3");
    assertThat(c.problems().get(2).reason()).contains("classifiedBy").doesNotContain("\0");
  }

  @Test
  void aDirectoryThatIsNoCamtrapDpPackageIsRefusedWhole(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> CamtrapDpPackage.read(dir, NOW)).hasMessageContaining("no datapackage.json");
    Files.writeString(dir.resolve("datapackage.json"), "{\"profile\": \"tabular-data-package\", \"resources\": []}");
    assertThatThrownBy(() -> CamtrapDpPackage.read(dir, NOW)).hasMessageContaining("is not a Camtrap DP package");
    Files.writeString(dir.resolve("datapackage.json"), "{\"profile\": \"camtrap-dp\", \"resources\": [{\"name\": \"deployments\","
        + " \"path\": \"../../etc/passwd\"}]}");
    assertThatThrownBy(() -> CamtrapDpPackage.read(dir, NOW)).hasMessageContaining("is not a file in");
  }
}
