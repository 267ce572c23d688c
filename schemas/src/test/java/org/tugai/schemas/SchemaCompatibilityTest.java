package org.tugai.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Fails the build when a schema change would break a reader or writer of a released version. */
class SchemaCompatibilityTest {

  private static final Path SOURCES = Path.of("src/main/avro");

  @Test
  void everySchemaSourceHasAHistory() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      List<String> names =
          files.map(p -> p.getFileName().toString().replace(".avsc", "")).sorted().toList();
      assertThat(names).containsExactlyInAnyOrderElementsOf(SchemaHistory.RECORDS);
    }
  }

  @TestFactory
  Stream<DynamicTest> currentSchemaIsTheNewestReleasedVersion() {
    return SchemaHistory.RECORDS.stream()
        .map(
            record ->
                DynamicTest.dynamicTest(
                    record,
                    () -> {
                      Schema current = current(record);
                      List<Schema> versions = SchemaHistory.versions(record);
                      Schema newest = versions.get(versions.size() - 1);
                      assertThat(SchemaCatalog.fingerprint(current))
                          .as(
                              "src/main/avro/%s.avsc changed: once it is compatible, copy it to history/%s/v%d.avsc",
                              record, record, versions.size() + 1)
                          .isEqualTo(SchemaCatalog.fingerprint(newest));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> currentSchemaIsFullyCompatibleWithEveryReleasedVersion() {
    return SchemaHistory.RECORDS.stream()
        .map(
            record ->
                DynamicTest.dynamicTest(
                    record,
                    () -> {
                      Schema current = current(record);
                      List<Schema> versions = SchemaHistory.versions(record);
                      for (int i = 0; i < versions.size(); i++) {
                        Schema old = versions.get(i);
                        assertCompatible(
                            current,
                            old,
                            "new reader of %s cannot read data written by v%d"
                                .formatted(record, i + 1));
                        assertCompatible(
                            old,
                            current,
                            "v%d reader of %s cannot read data written by the new schema"
                                .formatted(i + 1, record));
                      }
                    }));
  }

  @Test
  void detectsAnIncompatibleChange() {
    Schema v1 = SchemaHistory.versions("Fix").get(0);
    // Adding a field without a default is the classic mistake: data written by v1 can no longer be
    // read.
    List<Schema.Field> fields = new ArrayList<>();
    v1.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(
        new Schema.Field(
            "speedMps", Schema.create(Schema.Type.DOUBLE), "speed, m/s", (Object) null));
    Schema broken =
        Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, v1).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  /** The schema compiled from src/main/avro (with the records it refers to resolved). */
  private static Schema current(String record) throws ClassNotFoundException {
    return SpecificData.get().getSchema(Class.forName("org.tugai.avro." + record));
  }

  private static void assertCompatible(Schema reader, Schema writer, String message) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    assertThat(result.getType())
        .as(message + ": " + result.getDescription())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }
}
