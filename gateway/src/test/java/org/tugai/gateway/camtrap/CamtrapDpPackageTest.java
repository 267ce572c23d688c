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
import org.tugai.schemas.Channels;

/**
 * A Camtrap DP package read as deployments and camera events: events, their media, media-level
 * observations, refusals.
 */
class CamtrapDpPackageTest {

  private static final Path PACKAGES = Path.of("src", "test", "resources", "camtrap-dp");
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void eventsGatherTheirMediaAndKeepWhatTheObservationsSay() throws Exception {
    CamtrapDpPackage.Contents c =
        CamtrapDpPackage.read(PACKAGES.resolve("tigrovaya-balka-2025"), NOW);
    assertThat(c.problems()).isEmpty();
    assertThat(c.observations()).isEqualTo(7);

    Map<String, Deployment> deployments =
        c.deployments().stream()
            .collect(Collectors.toMap(Deployment::getDeploymentId, Function.identity()));
    assertThat(deployments.get("dep-tb-01").getDeviceId()).isEqualTo("CT-TB-01");
    assertThat(deployments.get("dep-tb-02").getDeviceId())
        .as("no cameraID: the deployment names the camera")
        .isEqualTo("dep-tb-02");
    assertThat(deployments.get("dep-tb-02").getDeployOn())
        .isEqualTo(Instant.parse("2025-05-02T05:00:00Z"));
    assertThat(deployments.get("dep-tb-01").getDeployOff())
        .as("the end is inclusive in Camtrap DP, exclusive in Tugai")
        .isEqualTo(Instant.parse("2025-06-01T09:30:00.001Z"));

    Map<String, CameraEvent> events =
        c.events().stream().collect(Collectors.toMap(CameraEvent::getEventId, Function.identity()));
    assertThat(events).containsOnlyKeys("ev-01", "ev-02", "ev-03", "ev-04", "ev-05", "m07", "m10");
    assertThat(events.values())
        .allSatisfy(e -> assertThat(e.getQualityFlags()).contains(CameraEventFlags.IMPORTED));

    CameraEvent deer = events.get("ev-01");
    assertThat(deer.getMedia())
        .containsExactly("media/tb01/0001.JPG", "media/tb01/0002.JPG", "media/tb01/0003.JPG");
    assertThat(deer.getEndedAt()).isEqualTo(Instant.parse("2025-05-03T04:10:04Z"));
    Detection hind = deer.getDetections().get(0);
    assertThat(hind.getSpecies()).isEqualTo("Cervus elaphus bactrianus");
    assertThat(hind.getCount()).isEqualTo(2);
    assertThat(hind.getClassificationMethod()).isEqualTo("human");
    assertThat(hind.getClassifiedBy()).isEqualTo("Dilnoza Rakhimova");
    assertThat(hind.getSex()).isEqualTo("female");
    assertThat(hind.getObservationId()).isEqualTo("obs-01");

    CameraEvent person = events.get("ev-02");
    assertThat(person.getDetections())
        .extracting(Detection::getCategory)
        .containsExactly(DetectionClass.PERSON, DetectionClass.PERSON);
    Detection boxed = person.getDetections().get(1);
    assertThat(boxed.getMediaIndex()).as("obs-03 is on m05, the event's second file").isEqualTo(1);
    assertThat(boxed.getBbox()).containsExactly(0.41, 0.22, 0.12, 0.51);
    assertThat(person.getDetections().get(0).getMediaIndex()).isNull();

    assertThat(events.get("ev-03").getDetections()).as("blank").isEmpty();
    assertThat(events.get("ev-03").getQualityFlags()).doesNotContain(CameraEventFlags.UNCLASSIFIED);
    assertThat(events.get("ev-04").getDetections().get(0).getObservationType())
        .isEqualTo("unknown");
    assertThat(events.get("ev-04").getMedia()).containsExactly("media/tb02/0001.MP4");
    assertThat(events.get("ev-05").getDetections().get(0).getObservationType())
        .isEqualTo("unclassified");
    assertThat(events.get("m07").getDetections()).isEmpty();
    assertThat(events.get("m07").getQualityFlags())
        .as("a medium no one looked at")
        .contains(CameraEventFlags.UNCLASSIFIED);
    assertThat(events.get("m10").getDetections())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getSpecies()).isEqualTo("Sus scrofa");
              assertThat(d.getMediaIndex()).isZero();
              assertThat(d.getConfidence()).isEqualTo(0.81);
            });
  }

  @Test
  void badRowsAreLeftOutWithTheirRowAndTheRestIsRead() throws Exception {
    CamtrapDpPackage.Contents c = CamtrapDpPackage.read(PACKAGES.resolve("broken"), NOW);
    assertThat(c.deployments()).extracting(Deployment::getDeploymentId).containsExactly("dep-ok");
    assertThat(c.problems())
        .extracting(p -> p.file() + ":" + p.row())
        .containsExactly("deployments.csv:2", "observations.csv:2", "observations.csv:3");
    assertThat(c.problems().get(2).reason()).contains("classifiedBy").doesNotContain("\0");
  }

  @Test
  void aDirectoryThatIsNoCamtrapDpPackageIsRefusedWhole(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> CamtrapDpPackage.read(dir, NOW))
        .hasMessageContaining("no datapackage.json");
    Files.writeString(
        dir.resolve("datapackage.json"),
        "{\"profile\": \"tabular-data-package\", \"resources\": []}");
    assertThatThrownBy(() -> CamtrapDpPackage.read(dir, NOW))
        .hasMessageContaining("is not a Camtrap DP package");
    Files.writeString(
        dir.resolve("datapackage.json"),
        "{\"profile\": \"camtrap-dp\", \"resources\": [{\"name\": \"deployments\","
            + " \"path\": \"../../etc/passwd\"}]}");
    assertThatThrownBy(() -> CamtrapDpPackage.read(dir, NOW))
        .hasMessageContaining("is not a file in");
  }

  @Test
  void aLargePackageFindsEachMediumsEventByTimeAndOverlapsGoToTheEventNamedFirst(@TempDir Path dir)
      throws IOException {
    int deployments = 4;
    int eventsEach = 2_500;
    StringBuilder deps =
        new StringBuilder("\uFEFFdeploymentID,latitude,longitude,deploymentStart,deploymentEnd\n");
    StringBuilder media = new StringBuilder("mediaID,deploymentID,timestamp,filePath\n");
    StringBuilder obs =
        new StringBuilder(
            "observationID,deploymentID,mediaID,eventID,eventStart,eventEnd,observationLevel,observationType\n");
    Instant t0 = Instant.parse("2025-05-01T00:00:00Z");
    // Written newest first, so that the table's order is not the time order the reader must find
    // them by.
    for (int d = deployments - 1; d >= 0; d--) {
      deps.append("dep-")
          .append(d)
          .append(",37.2,68.2,2025-05-01T00:00:00Z,2025-08-01T00:00:00Z\n");
      for (int e = eventsEach - 1; e >= 0; e--) {
        Instant start = t0.plusSeconds(600L * e);
        obs.append("o-")
            .append(d)
            .append('-')
            .append(e)
            .append(",dep-")
            .append(d)
            .append(",,ev-")
            .append(d)
            .append('-')
            .append(e)
            .append(',')
            .append(start)
            .append(',')
            .append(start.plusSeconds(10))
            .append(",event,animal\n");
        for (int m = 0; m < 3; m++) {
          media
              .append("m-")
              .append(d)
              .append('-')
              .append(e)
              .append('-')
              .append(m)
              .append(",dep-")
              .append(d)
              .append(',')
              .append(start.plusSeconds(5L * m))
              .append(",media/")
              .append(d)
              .append('/')
              .append(e)
              .append('-')
              .append(m)
              .append(".JPG\n");
        }
      }
    }
    // dep-0: ev-wide (named first) spans ev-wide-inner; a medium in both belongs to ev-wide. Two
    // lone media share an instant.
    Instant late = t0.plusSeconds(600L * eventsEach + 3_600);
    obs.append("o-wide,dep-0,,ev-wide,")
        .append(late)
        .append(',')
        .append(late.plusSeconds(120))
        .append(",event,human\n");
    obs.append("o-inner,dep-0,,ev-inner,")
        .append(late.plusSeconds(30))
        .append(',')
        .append(late.plusSeconds(40))
        .append(",event,animal\n");
    media.append("m-both,dep-0,").append(late.plusSeconds(35)).append(",media/both.JPG\n");
    media.append("m-lone-a,dep-1,").append(late).append(",media/lone-a.JPG\n");
    media.append("m-lone-b,dep-1,").append(late).append(",media/lone-b.JPG\n");
    media.append("m-lone-c,dep-2,").append(late).append(",media/lone-c.JPG\n");
    Files.writeString(dir.resolve("deployments.csv"), deps);
    Files.writeString(dir.resolve("media.csv"), media);
    Files.writeString(dir.resolve("observations.csv"), obs);
    Files.writeString(
        dir.resolve("datapackage.json"),
        "{\"profile\": \"https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/"
            + "camtrap-dp-profile.json\", \"resources\": []}");

    CamtrapDpPackage.Contents c = CamtrapDpPackage.read(dir, NOW);
    assertThat(c.problems())
        .as("the byte-order mark is no part of the first column's name")
        .isEmpty();
    assertThat(c.deployments()).hasSize(deployments);
    assertThat(c.source()).isEqualTo(Channels.IMPORT_PREFIX + "camtrap-dp:" + dir.getFileName());
    Map<String, CameraEvent> events =
        c.events().stream()
            .collect(
                Collectors.toMap(e -> e.getCameraId() + "/" + e.getEventId(), Function.identity()));
    assertThat(events).hasSize(deployments * eventsEach + 2 + 2);
    for (int d = 0; d < deployments; d++) {
      for (int e = 0; e < eventsEach; e += 97) {
        String prefix = "media/" + d + "/" + e + "-";
        assertThat(events.get("dep-" + d + "/ev-" + d + "-" + e).getMedia())
            .containsExactly(prefix + "0.JPG", prefix + "1.JPG", prefix + "2.JPG");
      }
    }
    assertThat(events.get("dep-0/ev-wide").getMedia()).containsExactly("media/both.JPG");
    assertThat(events.get("dep-0/ev-inner").getMedia()).isEmpty();
    assertThat(events.get("dep-1/m-lone-a").getMedia())
        .containsExactly("media/lone-a.JPG", "media/lone-b.JPG");
    assertThat(events.get("dep-1/m-lone-a").getQualityFlags())
        .contains(CameraEventFlags.UNCLASSIFIED);
    assertThat(events.get("dep-2/m-lone-c").getMedia())
        .as("another deployment's medium of the same instant")
        .containsExactly("media/lone-c.JPG");
  }
}
