package org.tugai.app.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.schemas.text.StorableText;

class DeploymentCsvTest {

  @Test
  void readsMovebankReferenceDataColumns() throws Exception {
    String csv =
        """
        tag-id,animal-id,animal-taxon,animal-sex,deploy-on-date,deploy-off-date,population
        TJ-BD-017,BD-F-03,Cervus elaphus bactrianus,female,2025-11-02 06:30:00.000,,Tj1
        TJ-BD-018,BD-M-07,Cervus elaphus bactrianus,m,2025-11-03 07:00:00.000,2026-05-01 00:00:00.000,Tj4
        """;
    DeploymentCsv.Parsed p = DeploymentCsv.read(new StringReader(csv));
    assertThat(p.skipped()).isEmpty();
    Deployment d = p.deployments().get(0);
    assertThat(d.getDeviceId()).isEqualTo("TJ-BD-017");
    assertThat(d.getAnimalId()).isEqualTo("BD-F-03");
    assertThat(d.getSpecies()).isEqualTo("Cervus elaphus bactrianus");
    assertThat(d.getSex()).isEqualTo("f");
    assertThat(d.getPopulation()).isEqualTo("Tj1");
    assertThat(d.getDeployOn()).isEqualTo(Instant.parse("2025-11-02T06:30:00Z"));
    assertThat(d.getDeployOff()).isNull();
    assertThat(d.getDeviceType()).isEqualTo(DeviceType.COLLAR);
    assertThat(d.getDeploymentId()).isEqualTo("TJ-BD-017@2025-11-02T06:30:00Z");
    assertThat(p.deployments().get(1).getDeployOff())
        .isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
  }

  @Test
  void readsCameraSitesAndMovebankAlternativeNames() throws Exception {
    String csv =
        """
        deployment-id,tag-local-identifier,device-type,site-id,deploy-on-timestamp,deploy-on-latitude,deploy-on-longitude
        cam-1,CT-UZ4-03,camera,Zarafshon-03,2026-01-10T08:00:00Z,39.71,66.95
        """;
    Deployment d = DeploymentCsv.read(new StringReader(csv)).deployments().get(0);
    assertThat(d.getDeploymentId()).isEqualTo("cam-1");
    assertThat(d.getDeviceType()).isEqualTo(DeviceType.CAMERA);
    assertThat(d.getSiteId()).isEqualTo("Zarafshon-03");
    assertThat(d.getLat()).isEqualTo(39.71);
  }

  @Test
  void badRowsAreSkippedWithTheirLineAndReason() throws Exception {
    String csv =
        """
        tag-id,animal-id,deploy-on-date,deploy-off-date
        C1,A1,2026-01-01 00:00:00,2025-01-01 00:00:00
        C2,A2,yesterday,
        ,A3,2026-01-01 00:00:00,
        C4,A4,2026-01-01 00:00:00,
        """;
    DeploymentCsv.Parsed p = DeploymentCsv.read(new StringReader(csv));
    assertThat(p.deployments()).extracting(Deployment::getDeviceId).containsExactly("C4");
    assertThat(p.skipped()).extracting(DeploymentCsv.Skipped::line).containsExactly(2L, 3L, 4L);
    assertThat(p.skipped().get(0).reason()).contains("not after");
    assertThat(p.skipped().get(1).reason()).contains("'yesterday'");
    assertThat(p.skipped().get(2).reason()).contains("no tag-id");
  }

  @Test
  void textTheStoreCannotHoldAndIdsTheGatewayWouldRefuseSkipTheRow() throws Exception {
    String csv =
        "tag-id,animal-id,animal-taxon,deploy-on-date\n"
            + "C1,A1\u0000,Cervus elaphus,2026-01-01 00:00:00\n"
            + "C2,A2,Cervus\u001belaphus,2026-01-01 00:00:00\n"
            + "cam 3,A3,Cervus elaphus,2026-01-01 00:00:00\n"
            + "C4,A4,Cervus elaphus,2026-01-01 00:00:00\n";
    DeploymentCsv.Parsed p = DeploymentCsv.read(new StringReader(csv));
    assertThat(p.deployments()).extracting(Deployment::getDeviceId).containsExactly("C4");
    assertThat(p.skipped())
        .extracting(DeploymentCsv.Skipped::reason)
        .satisfiesExactly(
            r -> assertThat(r).contains("animal-id").contains("NUL"),
            r -> assertThat(r).contains("animal-taxon").contains("U+001B"),
            r -> assertThat(r).contains("tag-id").contains("not a valid id"));
    assertThat(p.skipped())
        .allSatisfy(
            s -> assertThat(StorableText.problemInName("reason", s.reason(), 1000)).isEmpty());
  }
}
