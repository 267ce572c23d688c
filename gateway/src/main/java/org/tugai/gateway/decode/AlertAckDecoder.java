package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.tugai.avro.AlertAck;

/** A ranger's acknowledgement on {@code tugai/v1/alerts/{alertId}/ack}: {@code {"by": "...", "note": "..."}}. */
public final class AlertAckDecoder {

  public Decoded<AlertAck> decode(String alertId, byte[] payload, String source, Instant receivedAt) {
    try {
      JsonNode root = JsonPayload.parse(payload);
      if (!root.isObject()) {
        throw new RejectedException(Rejection.NOT_AN_OBJECT, "an acknowledgement must be a JSON object like {\"by\": \"ranger-12\"}");
      }
      JsonFields f = new JsonFields(root);
      String by = f.requiredText("by");
      if (by.length() > 128) {
        throw new RejectedException(Rejection.OUT_OF_RANGE, "by is longer than 128 characters");
      }
      AlertAck ack = AlertAck.newBuilder().setAlertId(alertId).setBy(by).setNote(f.optionalText("note", 2_000))
          .setAt(receivedAt).setSource(source).build();
      return new Decoded<>(List.of(ack), List.of());
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, alertId, e.rejection());
    }
  }
}
