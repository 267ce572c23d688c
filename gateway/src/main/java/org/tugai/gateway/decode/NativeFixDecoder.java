package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.tugai.avro.Fix;
import org.tugai.schemas.ReasonCodes;

/**
 * Tugai's native collar format on {@code tugai/v1/collars/{collarId}/fixes}: one fix object, or an
 * array of them from a store-and-forward upload. Each element stands alone: good fixes of a batch
 * go through, each bad one becomes its own dead letter.
 */
public final class NativeFixDecoder {

  private final FixReader reader;

  public NativeFixDecoder(TimeWindow window) {
    this.reader = new FixReader(window);
  }

  public Decoded<Fix> decode(
      String topicCollarId, byte[] payload, String source, Instant receivedAt) {
    JsonNode root;
    try {
      root = JsonPayload.parse(payload);
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, topicCollarId, e.rejection());
    }
    if (root.isArray() && root.isEmpty()) {
      return Decoded.rejectedWhole(
          payload, topicCollarId, new Rejection(ReasonCodes.EMPTY_BATCH, "batch array is empty"));
    }
    if (root.isArray() && root.size() > InputLimits.MAX_BATCH) {
      return Decoded.rejectedWhole(
          payload,
          topicCollarId,
          new Rejection(
              ReasonCodes.OUT_OF_RANGE,
              "batch has "
                  + root.size()
                  + " fixes; at most "
                  + InputLimits.MAX_BATCH
                  + " per message"));
    }
    List<Fix> fixes = new ArrayList<>();
    List<Decoded.Part> rejected = new ArrayList<>();
    List<JsonNode> elements = new ArrayList<>();
    root.forEach(elements::add);
    if (!root.isArray()) {
      elements = List.of(root);
    }
    for (int i = 0; i < elements.size(); i++) {
      JsonNode element = elements.get(i);
      try {
        fixes.add(fix(topicCollarId, element, source, receivedAt));
      } catch (RejectedException e) {
        Rejection r = e.rejection();
        if (root.isArray()) {
          r = new Rejection(r.code(), "batch element " + i + ": " + r.reason());
        }
        rejected.add(
            new Decoded.Part(
                root.isArray() ? JsonPayload.bytes(element) : payload, topicCollarId, r));
      }
    }
    return new Decoded<>(fixes, rejected);
  }

  private Fix fix(String topicCollarId, JsonNode node, String source, Instant receivedAt)
      throws RejectedException {
    return reader
        .read(node, FixFields.NATIVE, topicCollarId, null)
        .setReceivedAt(receivedAt)
        .setSource(source)
        .build();
  }
}
