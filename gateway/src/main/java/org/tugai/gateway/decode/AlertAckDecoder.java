package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.tugai.avro.AlertAck;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.text.StorableText;

/**
 * A ranger's acknowledgement on {@code tugai/v1/acks/{channel}/{user}/{alertId}}: {@code {"note":
 * "..."}}. Who acknowledged is the topic's user (the broker's ACL admits only that user there); a
 * payload {@code by} naming anyone else is refused, never recorded.
 */
public final class AlertAckDecoder {

  static final int MAX_NAME = InputLimits.MAX_NAME;
  static final int MAX_ALERT_ID = 500;
  static final int MAX_NOTE = InputLimits.MAX_TEXT;

  /** The client's own id of an acknowledgement: the lifecycle holds at most this. */
  static final int MAX_ACK_ID = 100;

  public Decoded<AlertAck> decode(
      DeviceTopic topic, byte[] payload, String source, Instant receivedAt) {
    String alertId = topic.deviceId();
    try {
      text(StorableText.problemInName("the alert id", alertId, MAX_ALERT_ID));
      text(StorableText.problemInName("the channel", topic.channel(), MAX_NAME));
      text(StorableText.problemInName("the user", topic.user(), MAX_NAME));
      JsonNode root = payload.length == 0 ? null : JsonPayload.parse(payload);
      if (root != null && !root.isObject()) {
        throw new RejectedException(
            ReasonCodes.NOT_AN_OBJECT,
            "an acknowledgement is empty or a JSON object like {\"note\": \"on our way\"}");
      }
      JsonFields f = root == null ? null : new JsonFields(root);
      String note = f == null ? null : f.optionalFreeText("note", MAX_NOTE);
      String claimed = f == null ? null : f.optionalText("by", MAX_NAME);
      String ackId = f == null ? null : f.optionalText("ackId", MAX_ACK_ID);
      if (claimed != null && !claimed.equals(topic.user())) {
        throw new RejectedException(
            ReasonCodes.IDENTITY_MISMATCH,
            "the payload says by '"
                + StorableText.clean(claimed)
                + "' but the acknowledgement was published as MQTT user '"
                + topic.user()
                + "'");
      }
      AlertAck ack =
          AlertAck.newBuilder()
              .setAlertId(alertId)
              .setBy(topic.user())
              .setNote(note)
              .setAt(receivedAt)
              .setSource(source)
              .setVia("mqtt-user:" + topic.user())
              .setChannel(topic.channel())
              .setAckId(ackId)
              .build();
      return new Decoded<>(List.of(ack), List.of());
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, alertId, e.rejection());
    }
  }

  private static void text(Optional<String> problem) throws RejectedException {
    if (problem.isPresent()) {
      throw new RejectedException(ReasonCodes.BAD_TEXT, problem.get());
    }
  }
}
