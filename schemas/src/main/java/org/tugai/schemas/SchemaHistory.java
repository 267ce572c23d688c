package org.tugai.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * The released versions of every record schema, as committed under {@code
 * org/tugai/schemas/history}. Readers register all of them so that data written by any released
 * writer decodes.
 */
public final class SchemaHistory {

  /** Record names, in the order of the .avsc files under src/main/avro. */
  public static final List<String> RECORDS =
      List.of(
          "Fix",
          "CameraEvent",
          "Deployment",
          "Crossing",
          "Alert",
          "AlertAck",
          "DeadLetter",
          "DeviceDeployments",
          "TrackState",
          "TrackCheckpoint",
          "CollarAlertState",
          "CameraAlertState",
          "DeviceActivity");

  private static final String ROOT = "/org/tugai/schemas/history/";

  private SchemaHistory() {}

  /** All released versions of one record, oldest first. */
  public static List<Schema> versions(String record) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String path = ROOT + record + "/v" + v + ".avsc";
      try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
        if (in == null) {
          break;
        }
        // A fresh parser per file: each file is a self-contained schema with its own named types.
        versions.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema history " + path, e);
      }
    }
    if (versions.isEmpty()) {
      throw new IllegalStateException("no schema history for record " + record + " under " + ROOT);
    }
    return List.copyOf(versions);
  }

  /** Every released version of every record. */
  public static Map<String, List<Schema>> all() {
    return RECORDS.stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), SchemaHistory::versions));
  }
}
