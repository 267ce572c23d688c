package org.tugai.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.tugai.avro.DeadLetter;
import org.tugai.schemas.text.StorableText;

/**
 * The one way a {@code DeadLetter} is made, whichever component refuses the input: its texts made
 * storable (a dead letter about a NUL character must not itself be refused by PostgreSQL), the
 * payload kept as it came up to a limit.
 */
public final class DeadLetters {

  private DeadLetters() {}

  /**
   * @param component gateway, streams or ingest
   * @param source where the input came from (an MQTT topic, {@code kafka:topic/partition/offset}, a
   *     file and row)
   * @param code one of {@link ReasonCodes}
   * @param reason what is wrong, for a person
   * @param deviceId the device the input names, if known
   * @param payload the input as it came
   * @param maxPayloadBytes the most of it kept; the letter says its size and that it was cut
   * @param at when it was refused (a replayed record's own time, so that a replay makes the same
   *     letter)
   */
  public static DeadLetter letter(
      String component,
      String source,
      String code,
      String reason,
      String deviceId,
      byte[] payload,
      int maxPayloadBytes,
      Instant at) {
    byte[] bytes = payload == null ? new byte[0] : payload;
    boolean truncated = bytes.length > maxPayloadBytes;
    return DeadLetter.newBuilder()
        .setPayload(ByteBuffer.wrap(truncated ? Arrays.copyOf(bytes, maxPayloadBytes) : bytes))
        .setPayloadSize(bytes.length)
        .setPayloadTruncated(truncated)
        .setSource(StorableText.escape(source))
        .setComponent(component)
        .setReasonCode(code)
        .setReason(StorableText.escape(reason == null ? "" : reason))
        .setDeviceId(StorableText.escape(deviceId))
        .setOccurredAt(at)
        .build();
  }

  /** {@link #letter} keeping the whole payload. */
  public static DeadLetter letter(
      String component,
      String source,
      String code,
      String reason,
      String deviceId,
      byte[] payload,
      Instant at) {
    return letter(component, source, code, reason, deviceId, payload, Integer.MAX_VALUE, at);
  }
}
