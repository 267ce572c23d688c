package org.tugai.app.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.app.CommandRun;
import org.tugai.avro.Fix;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * {@code bin/tugai import} against a real Kafka: the vendors' sample exports, their refused rows
 * and exit codes.
 */
@ExtendWith(TugaiInfrastructure.class)
class ImportCommandIT {

  /** The vendor samples the gateway's tests are built on. */
  private static final Path SAMPLES =
      Path.of("..", "gateway", "src", "test", "resources", "vendor");

  @Test
  void vendorExportsAreImportedAndTheirBadRowsReportedWithTheirLines(Infrastructure infra) {
    String prefix = Infrastructure.uniqueName("import") + ".";
    Map<String, String> env =
        Map.of(
            "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
            infra.kafkaBootstrapServers(),
            "TUGAI_KAFKA_TOPIC_PREFIX",
            prefix,
            "TUGAI_GATEWAY_UNKNOWN_DEVICES",
            "accept");
    CommandRun run =
        CommandRun.of(
            env,
            "import",
            "auto",
            SAMPLES.resolve("vectronic-gps-plus-x.csv").toString(),
            SAMPLES.resolve("lotek-web-service.csv").toString(),
            SAMPLES.resolve("telonics-complete.csv").toString());
    assertThat(run.exit()).as(run.out()).isEqualTo(3);
    assertThat(run.out())
        .contains("(vectronic): 5 fixes, 0 repeated messages dropped, 1 rows refused")
        .contains("(lotek): 4 fixes")
        .contains("(telonics): 6 fixes, 1 repeated messages dropped, 1 rows refused")
        .contains("line 32: GPS Latitude '37.40xx' is not a number (malformed-row)");
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    List<Fix> fixes =
        TopicContents.read(infra.kafkaBootstrapServers(), topics.fixes().name()).stream()
            .map(r -> topics.fixes().valueSerde().deserializer().deserialize(r.topic(), r.value()))
            .toList();
    assertThat(
            fixes.stream().collect(Collectors.groupingBy(Fix::getCollarId, Collectors.counting())))
        .containsExactlyInAnyOrderEntriesOf(Map.of("34127", 5L, "41877", 4L, "712044A", 6L));

    assertThat(
            CommandRun.of(
                    env, "import", "garmin", SAMPLES.resolve("lotek-web-service.csv").toString())
                .exit())
        .isEqualTo(2);
    assertThat(CommandRun.of(env, "import", "lotek", "no-such-file.csv").exit()).isEqualTo(2);
  }
}
