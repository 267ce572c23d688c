package org.tugai.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official-schema check itself: it must refuse what the TDWG's schemas refuse, or it proves
 * nothing.
 */
class OfficialCamtrapDpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIR =
      Path.of(System.getProperty("tugai.root", "..")).resolve("../shared/data/camtrap-dp-1.0.2");

  /** A CSV of the table's fields, in order, with the given cells set and every other empty. */
  private static String csv(String table, List<Map<String, String>> rows) throws Exception {
    JsonNode schema = JSON.readTree(DIR.resolve(table + "-table-schema.json").toFile());
    List<String> names = new ArrayList<>();
    schema.path("fields").forEach(f -> names.add(f.path("name").asText()));
    StringBuilder out = new StringBuilder(String.join(",", names)).append("\r\n");
    for (Map<String, String> row : rows) {
      List<String> cells = new ArrayList<>();
      names.forEach(n -> cells.add(row.getOrDefault(n, "")));
      out.append(String.join(",", cells)).append("\r\n");
    }
    return out.toString();
  }

  @Test
  void rowsTheSchemasRefuseAreRefusedByName() throws Exception {
    assumeTrue(OfficialCamtrapDp.available(), "../shared/data/camtrap-dp-1.0.2 is not here");
    String deployments =
        csv(
            "deployments",
            List.of(
                Map.of(
                    "deploymentID",
                    "dep1",
                    "latitude",
                    "95",
                    "longitude",
                    "68.1",
                    "deploymentStart",
                    "2026-03-01T00:00:00Z",
                    "deploymentEnd",
                    "2026-03-05 00:00:00")));
    String media =
        csv(
            "media",
            List.of(
                Map.of(
                    "mediaID",
                    "m1",
                    "deploymentID",
                    "dep1",
                    "timestamp",
                    "2026-03-01T00:12:09Z",
                    "filePath",
                    "IMG_1.JPG",
                    "filePublic",
                    "false",
                    "fileMediatype",
                    "image/jpeg")));
    String observations =
        csv(
            "observations",
            List.of(
                Map.of(
                    "observationID",
                    "o1",
                    "deploymentID",
                    "dep9",
                    "eventStart",
                    "2026-03-01T00:12:09Z",
                    "eventEnd",
                    "2026-03-01T00:12:09Z",
                    "observationLevel",
                    "event",
                    "observationType",
                    "dragon")));
    JsonNode pkg = JSON.readTree("{}");
    List<String> problems =
        OfficialCamtrapDp.validate(
            pkg,
            Map.of(
                "deployments.csv",
                deployments,
                "media.csv",
                media,
                "observations.csv",
                observations));
    assertThat(problems).anyMatch(p -> p.startsWith("datapackage.json:") && p.contains("required"));
    assertThat(problems)
        .anyMatch(p -> p.startsWith("deployments.csv row 1") && p.contains("latitude"));
    assertThat(problems)
        .anyMatch(p -> p.startsWith("deployments.csv row 1") && p.contains("deploymentEnd"));
    assertThat(problems)
        .anyMatch(p -> p.startsWith("observations.csv row 1") && p.contains("observationType"));
    assertThat(problems)
        .anyMatch(p -> p.contains("observations.deploymentID 'dep9' is no deployments row"));
  }
}
