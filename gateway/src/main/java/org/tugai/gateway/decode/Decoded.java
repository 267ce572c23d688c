package org.tugai.gateway.decode;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * What one MQTT message turned into: valid records, and the parts that were rejected. A
 * store-and-forward batch can yield both: its good fixes go on while each bad element becomes its
 * own dead letter.
 */
public record Decoded<T extends SpecificRecord>(List<T> records, List<Part> rejected) {

  /** A rejected input (the whole payload, or one element of a batch) with its own bytes. */
  public record Part(byte[] bytes, String deviceId, Rejection rejection) {}

  public static <T extends SpecificRecord> Decoded<T> rejectedWhole(
      byte[] payload, String deviceId, Rejection rejection) {
    return new Decoded<>(List.of(), List.of(new Part(payload, deviceId, rejection)));
  }
}
