package org.tugai.app.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.api.OfficialCamtrapDp;
import org.tugai.api.export.CamtrapDpExport;
import org.tugai.app.CommandRun;
import org.tugai.app.Tugai;
import org.tugai.avro.DeadLetter;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.store.Store;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.camtrap.CamtrapDpImport;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * A Camtrap DP package (written for these tests to the TDWG schemas, and first checked against
 * them) through {@code bin/tugai import camtrap-dp}, a real Kafka and ingest into PostgreSQL, and
 * out again through the Camtrap DP export: the export validates against the official schemas and
 * keeps every deployment and observation field Tugai holds.
 */
@ExtendWith(TugaiInfrastructure.class)
class CamtrapDpRoundTripIT {

  /** The packages the gateway's reader is tested on. */
  private static final Path PACKAGES =
      Path.of("..", "gateway", "src", "test", "resources", "camtrap-dp");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What an observation means, field by field; the ids Tugai regenerates (media, and a blank's) are
   * compared apart.
   */
  private static final List<String> MEANING =
      List.of(
          "deploymentID",
          "eventStart",
          "eventEnd",
          "observationLevel",
          "observationType",
          "scientificName",
          "count",
          "lifeStage",
          "sex",
          "behavior",
          "bboxX",
          "bboxY",
          "bboxWidth",
          "bboxHeight",
          "classificationMethod",
          "classifiedBy",
          "classificationProbability");

  private static final List<String> BLANK =
      List.of("deploymentID", "eventStart", "eventEnd", "observationLevel", "observationType");

  @Test
  void aPackageImportedAndExportedAgainKeepsWhatTugaiCanHoldAndStaysValid(Infrastructure infra)
      throws Exception {
    assumeTrue(OfficialCamtrapDp.available(), "../shared/data/camtrap-dp-1.0.2 is not here");
    Path original = PACKAGES.resolve("tigrovaya-balka-2025");
    assertThat(
            OfficialCamtrapDp.validate(
                JSON.readTree(original.resolve("datapackage.json").toFile()), files(original)))
        .as("the test package itself is valid Camtrap DP")
        .isEmpty();

    String prefix = Infrastructure.uniqueName("camtrap") + ".";
    Infrastructure.Database db = infra.newDatabase();
    Map<String, String> env =
        Map.of(
            "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
            infra.kafkaBootstrapServers(),
            "TUGAI_KAFKA_TOPIC_PREFIX",
            prefix);
    CommandRun imported = CommandRun.of(env, "import", "camtrap-dp", original.toString());
    assertThat(imported.exit()).as(imported.out()).isZero();
    assertThat(imported.out())
        .contains("2 deployments, 7 camera events, 7 observations, 0 rows refused");

    Map<String, String> values =
        new HashMap<>(
            Map.of(
                "kafka.bootstrap-servers",
                infra.kafkaBootstrapServers(),
                "kafka.topic-prefix",
                prefix,
                "db.url",
                db.url(),
                "db.user",
                db.user(),
                "ingest.batch-size",
                "100"));
    values.put("db.password", db.password());
    Settings settings = Settings.of(values);
    Map<String, String> exported;
    try (IngestService ingest =
        new IngestService(IngestConfig.from(settings), new SimpleMeterRegistry())) {
      ingest.start();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> count(db, "camera_events") == 7 && count(db, "deployments") == 2);
    }
    try (Store store = Store.open(DbSettings.from(settings), "export", 2, true)) {
      ByteArrayOutputStream zip = new ByteArrayOutputStream();
      new CamtrapDpExport(store.dataSource(), "CC0-1.0", "CC-BY-4.0")
          .write(zip, Instant.parse("2025-04-01T00:00:00Z"), Instant.parse("2025-07-01T00:00:00Z"));
      exported = unzip(zip.toByteArray());
    }
    List<String> problems =
        OfficialCamtrapDp.validate(JSON.readTree(exported.get("datapackage.json")), exported);
    assertThat(problems)
        .as("the export of the imported package against the official schemas")
        .isEmpty();

    // Deployments: id, place, span, location and camera.
    Map<String, Map<String, String>> before =
        byId(read(Files.readString(original.resolve("deployments.csv"))), "deploymentID");
    Map<String, Map<String, String>> after =
        byId(read(exported.get("deployments.csv")), "deploymentID");
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach(
        (id, row) -> {
          Map<String, String> out = after.get(id);
          assertThat(Double.parseDouble(out.get("latitude")))
              .isEqualTo(Double.parseDouble(row.get("latitude")));
          assertThat(Double.parseDouble(out.get("longitude")))
              .isEqualTo(Double.parseDouble(row.get("longitude")));
          assertThat(instant(out.get("deploymentStart")))
              .isEqualTo(instant(row.get("deploymentStart")));
          assertThat(instant(out.get("deploymentEnd")))
              .isEqualTo(instant(row.get("deploymentEnd")));
          assertThat(out.get("locationID")).isEqualTo(row.get("locationID"));
          assertThat(out.get("cameraID"))
              .isEqualTo(row.get("cameraID").isEmpty() ? id : row.get("cameraID"));
        });

    // Media: every file, in its deployment.
    assertThat(files(read(exported.get("media.csv"))))
        .isEqualTo(files(read(Files.readString(original.resolve("media.csv")))));

    // Observations: every one that says something keeps its id and meaning; the blank keeps its
    // meaning; the medium no one classified comes back as an unclassified event rather than as
    // blank.
    List<Map<String, String>> in = read(Files.readString(original.resolve("observations.csv")));
    Map<String, Map<String, String>> out =
        byId(read(exported.get("observations.csv")), "observationID");
    for (Map<String, String> o : in) {
      if (o.get("observationType").equals("blank")) {
        // Who found it empty is not kept: an event without detections is blank, whoever said so.
        assertThat(out.values())
            .as("the blank of %s", o.get("eventID"))
            .anyMatch(e -> meaning(e, BLANK).equals(meaning(o, BLANK)));
        continue;
      }
      assertThat(out)
          .as("observation %s", o.get("observationID"))
          .containsKey(o.get("observationID"));
      assertThat(meaning(out.get(o.get("observationID"))))
          .as("observation %s", o.get("observationID"))
          .isEqualTo(meaning(o));
    }
    assertThat(
            out.values().stream()
                .filter(o -> o.get("observationType").equals("unclassified"))
                .map(o -> o.get("eventStart")))
        .containsExactlyInAnyOrder("2025-05-08T03:00:00Z", "2025-05-06T12:00:00Z");
    assertThat(out.get("obs-03").get("mediaID"))
        .as("a media-level observation stays on its file")
        .isNotEmpty();
    assertThat(out.get("obs-01").get("eventID")).isEqualTo("CT-TB-01/ev-01");
    assertThat(out).hasSize(in.size() + 1);
  }

  @Test
  void rowsThatCannotBeHeldAreRefusedWithTheirRowAndDeadLettered(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("camtrapbad") + ".";
    Map<String, String> env =
        Map.of(
            "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
            infra.kafkaBootstrapServers(),
            "TUGAI_KAFKA_TOPIC_PREFIX",
            prefix);
    CommandRun run =
        CommandRun.of(env, "import", "camtrap-dp", PACKAGES.resolve("broken").toString());
    assertThat(run.exit()).as(run.out()).isEqualTo(Tugai.REFUSED_ROWS);
    assertThat(run.out())
        .contains("1 deployments, 1 camera events, 1 observations, 3 rows refused")
        .contains("deployments.csv row 2: latitude 95 is outside -90.0..90.0")
        .contains("observations.csv row 2: deploymentID 'dep-none' is no deployment of the package")
        .contains("observations.csv row 3: classifiedBy");
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    List<DeadLetter> letters =
        TopicContents.read(infra.kafkaBootstrapServers(), topics.deadLetters().name()).stream()
            .map(
                r ->
                    topics
                        .deadLetters()
                        .valueSerde()
                        .deserializer()
                        .deserialize(r.topic(), r.value()))
            .toList();
    assertThat(letters)
        .hasSize(3)
        .allSatisfy(l -> assertThat(l.getReasonCode()).isEqualTo("malformed-row"));
    assertThat(letters).noneMatch(l -> l.getReason().indexOf('\0') >= 0);

    assertThat(CommandRun.of(env, "import", "camtrap-dp", PACKAGES.toString()).exit())
        .as("a directory without datapackage.json")
        .isEqualTo(2);
  }

  @Test
  void aPackageLargerThanOneChunkArrivesWhole(Infrastructure infra, @TempDir Path dir)
      throws Exception {
    int events = CamtrapDpImport.CHUNK + 700;
    StringBuilder media = new StringBuilder("mediaID,deploymentID,timestamp,filePath\n");
    StringBuilder obs =
        new StringBuilder(
            "observationID,deploymentID,eventID,eventStart,eventEnd,observationLevel,observationType\n");
    Instant t0 = Instant.parse("2025-05-01T00:00:00Z");
    for (int e = 0; e < events; e++) {
      Instant start = t0.plusSeconds(600L * e);
      obs.append("o-")
          .append(e)
          .append(",dep-1,ev-")
          .append(e)
          .append(',')
          .append(start)
          .append(',')
          .append(start.plusSeconds(5))
          .append(",event,animal\n");
      media
          .append("m-")
          .append(e)
          .append(",dep-1,")
          .append(start)
          .append(",media/")
          .append(e)
          .append(".JPG\n");
    }
    Files.writeString(
        dir.resolve("deployments.csv"),
        "deploymentID,latitude,longitude,deploymentStart,deploymentEnd\n"
            + "dep-1,37.26,68.20,2025-05-01T00:00:00Z,2025-09-01T00:00:00Z\n");
    Files.writeString(dir.resolve("media.csv"), media);
    Files.writeString(dir.resolve("observations.csv"), obs);
    Files.writeString(
        dir.resolve("datapackage.json"),
        "{\"profile\": \"https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/"
            + "camtrap-dp-profile.json\", \"resources\": []}");

    String prefix = Infrastructure.uniqueName("camtrapbig") + ".";
    Map<String, String> env =
        Map.of(
            "TUGAI_KAFKA_BOOTSTRAP_SERVERS",
            infra.kafkaBootstrapServers(),
            "TUGAI_KAFKA_TOPIC_PREFIX",
            prefix);
    CommandRun run = CommandRun.of(env, "import", "camtrap-dp", dir.toString());
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out())
        .contains(
            String.format(
                Locale.ROOT,
                "1 deployments, %,d camera events, %,d observations, 0 rows refused",
                events,
                events));
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    List<String> ids =
        TopicContents.read(infra.kafkaBootstrapServers(), topics.detections().name()).stream()
            .map(
                r ->
                    topics
                        .detections()
                        .valueSerde()
                        .deserializer()
                        .deserialize(r.topic(), r.value())
                        .getEventId())
            .toList();
    assertThat(ids).as("every event, each once").hasSize(events).doesNotHaveDuplicates();
  }

  private static Map<String, String> meaning(Map<String, String> o) {
    return meaning(o, MEANING);
  }

  private static Map<String, String> meaning(Map<String, String> o, List<String> fields) {
    Map<String, String> m = new TreeMap<>();
    for (String f : fields) {
      String v = o.getOrDefault(f, "");
      if (f.startsWith("event") && !v.isEmpty()) {
        v = instant(v).toString();
      } else if ((f.startsWith("bbox") || f.equals("classificationProbability")) && !v.isEmpty()) {
        v = Double.toString(Double.parseDouble(v));
      }
      m.put(f, v);
    }
    return m;
  }

  private static Map<String, List<String>> files(List<Map<String, String>> media) {
    return media.stream()
        .collect(
            Collectors.groupingBy(
                m -> m.get("deploymentID"),
                TreeMap::new,
                Collectors.mapping(
                    m -> m.get("filePath"),
                    Collectors.collectingAndThen(
                        Collectors.toList(), l -> l.stream().sorted().toList()))));
  }

  private static Instant instant(String t) {
    return OffsetDateTime.parse(t).toInstant();
  }

  private static long count(Infrastructure.Database db, String table) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException notYet) {
      return -1; // the tables are made by ingest's migration
    }
  }

  private static Map<String, String> files(Path dir) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    for (String name : List.of("deployments.csv", "media.csv", "observations.csv")) {
      files.put(name, Files.readString(dir.resolve(name)));
    }
    return files;
  }

  private static Map<String, String> unzip(byte[] zip) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static List<Map<String, String>> read(String csv) throws Exception {
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        new CsvMapper()
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(csv)) {
      it.forEachRemaining(rows::add);
    }
    return rows;
  }

  private static Map<String, Map<String, String>> byId(List<Map<String, String>> rows, String id) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    rows.forEach(r -> out.put(r.get(id), r));
    return out;
  }
}
