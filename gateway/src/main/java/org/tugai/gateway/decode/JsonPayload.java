package org.tugai.gateway.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.tugai.schemas.ReasonCodes;

/**
 * Strict JSON parsing of device payloads: valid UTF-8, no duplicate keys, nothing after the value.
 * A leading UTF-8 byte-order mark is ignored (RFC 8259 section 8.1 allows it); UTF-16 and UTF-32
 * are refused, since a JSON text in them always holds NUL bytes, which UTF-8 JSON never does.
 */
final class JsonPayload {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    // A hostile payload could nest arrays deeply to exhaust the stack; devices never nest more than
    // a few levels.
    MAPPER
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
  }

  private JsonPayload() {}

  static JsonNode parse(byte[] payload) throws RejectedException {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
    } catch (CharacterCodingException e) {
      throw new RejectedException(ReasonCodes.INVALID_UTF8, "payload is not valid UTF-8");
    }
    for (byte b : payload) {
      if (b == 0) {
        throw new RejectedException(
            ReasonCodes.INVALID_UTF8,
            "payload contains NUL bytes: send UTF-8 JSON (UTF-16 and UTF-32 are not accepted)");
      }
    }
    try {
      JsonNode node = MAPPER.readTree(payload);
      if (node == null || node.isMissingNode()) {
        throw new RejectedException(ReasonCodes.PARSE_ERROR, "payload is empty");
      }
      return node;
    } catch (IOException e) {
      String message =
          e.getMessage() == null
              ? e.getClass().getSimpleName()
              : e.getMessage().lines().findFirst().orElse("");
      throw new RejectedException(
          ReasonCodes.PARSE_ERROR, "payload is not valid JSON: " + JsonFields.abbreviate(message));
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      return node.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
