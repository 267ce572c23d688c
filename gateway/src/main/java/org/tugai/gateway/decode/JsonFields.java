package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.text.StorableText;

/**
 * Typed, validated reads of one JSON object's fields; every failure is a {@link RejectedException}.
 */
final class JsonFields {

  private final JsonNode node;

  JsonFields(JsonNode node) {
    this.node = node;
  }

  /**
   * The value at {@code field}: a plain name, or a dotted path into nested objects ({@code
   * gps.lat}).
   */
  private JsonNode get(String field) {
    if (field == null) {
      return null;
    }
    if (field.indexOf('.') < 0) {
      return node.get(field);
    }
    JsonNode current = node;
    for (String part : field.split("\\.")) {
      current = current == null ? null : current.get(part);
    }
    return current;
  }

  boolean has(String field) {
    JsonNode v = get(field);
    return v != null && !v.isNull();
  }

  String id(String field) throws RejectedException {
    String value = requiredString(field);
    String problem = InputLimits.idProblem(field, value);
    if (problem != null) {
      throw new RejectedException(ReasonCodes.INVALID_ID, problem);
    }
    return value;
  }

  /** A required name-like string (no control characters), at most {@code maxLength} characters. */
  String requiredText(String field, int maxLength) throws RejectedException {
    return storableName(field, requiredString(field), maxLength);
  }

  private String requiredString(String field) throws RejectedException {
    JsonNode v = get(field);
    if (v == null || v.isNull()) {
      throw new RejectedException(ReasonCodes.MISSING_FIELD, field + " is missing");
    }
    if (!v.isTextual()) {
      throw new RejectedException(
          ReasonCodes.WRONG_TYPE,
          field + " must be a string, not " + v.getNodeType().name().toLowerCase());
    }
    if (v.asText().isBlank()) {
      throw new RejectedException(ReasonCodes.MISSING_FIELD, field + " is empty");
    }
    return v.asText();
  }

  /**
   * {@code value} if the store can hold it as a name, else a {@code bad-text} rejection naming
   * {@code field}.
   */
  static String storableName(String field, String value, int maxLength) throws RejectedException {
    Optional<String> problem = StorableText.problemInName(field, value, maxLength);
    if (problem.isPresent()) {
      throw new RejectedException(ReasonCodes.BAD_TEXT, problem.get());
    }
    return value;
  }

  /** An optional name-like string (no control characters), at most {@code maxLength} characters. */
  String optionalText(String field, int maxLength) throws RejectedException {
    String v = optionalString(field);
    return v == null ? null : storableName(field, v, maxLength);
  }

  /** The field's string, null if absent; a value of another JSON type is refused. */
  private String optionalString(String field) throws RejectedException {
    if (!has(field)) {
      return null;
    }
    JsonNode v = get(field);
    if (!v.isTextual()) {
      throw new RejectedException(
          ReasonCodes.WRONG_TYPE,
          field + " must be a string, not " + v.getNodeType().name().toLowerCase());
    }
    return v.asText();
  }

  /** An optional free-text string (tabs and line breaks allowed, no other control character). */
  String optionalFreeText(String field, int maxLength) throws RejectedException {
    String v = optionalString(field);
    if (v == null) {
      return null;
    }
    Optional<String> problem = StorableText.problemInText(field, v, maxLength);
    if (problem.isPresent()) {
      throw new RejectedException(ReasonCodes.BAD_TEXT, problem.get());
    }
    return v;
  }

  /** An optional array of at most {@code maxSize} elements. */
  JsonNode optionalArray(String field, int maxSize) throws RejectedException {
    JsonNode v = optionalArray(field);
    if (v != null && v.size() > maxSize) {
      throw new RejectedException(
          ReasonCodes.OUT_OF_RANGE, field + " has " + v.size() + " entries; at most " + maxSize);
    }
    return v;
  }

  Instant requiredTime(String field) throws RejectedException {
    return parseTime(field, requiredText(field, 64));
  }

  Instant optionalTime(String field) throws RejectedException {
    return has(field) ? parseTime(field, requiredText(field, 64)) : null;
  }

  private static Instant parseTime(String field, String text) throws RejectedException {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new RejectedException(
          ReasonCodes.WRONG_TYPE,
          field
              + " '"
              + abbreviate(text)
              + "' is not an ISO-8601 time with a zone, like 2026-03-01T04:00:00Z");
    }
  }

  Double optionalNumber(String field, double min, double max) throws RejectedException {
    if (!has(field)) {
      return null;
    }
    JsonNode v = get(field);
    if (!v.isNumber()) {
      throw new RejectedException(
          ReasonCodes.WRONG_TYPE,
          field + " must be a number, not " + v.getNodeType().name().toLowerCase());
    }
    double d = v.asDouble();
    if (!Double.isFinite(d)) {
      throw new RejectedException(ReasonCodes.NON_FINITE, field + " is not a finite number");
    }
    if (d < min || d > max) {
      throw new RejectedException(
          ReasonCodes.OUT_OF_RANGE,
          field + " " + v.asText() + " is outside " + fmt(min) + ".." + fmt(max));
    }
    return d;
  }

  double requiredNumber(String field, double min, double max) throws RejectedException {
    Double d = optionalNumber(field, min, max);
    if (d == null) {
      throw new RejectedException(ReasonCodes.MISSING_FIELD, field + " is missing");
    }
    return d;
  }

  Integer optionalInt(String field, int min, int max) throws RejectedException {
    if (!has(field)) {
      return null;
    }
    JsonNode v = get(field);
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw new RejectedException(
          ReasonCodes.WRONG_TYPE,
          field + " must be a whole number, not " + abbreviate(v.toString()));
    }
    if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw new RejectedException(
          ReasonCodes.OUT_OF_RANGE,
          field + " " + abbreviate(v.asText()) + " is outside " + min + ".." + max);
    }
    return (int) v.asLong();
  }

  boolean isNumber(String field) {
    JsonNode v = get(field);
    return v != null && v.isNumber();
  }

  /**
   * A bounding box {@code [x, y, width, height]} relative to the image (0..1, top-left origin), or
   * null.
   */
  List<Double> optionalBbox(String field) throws RejectedException {
    JsonNode box = optionalArray(field);
    if (box == null) {
      return null;
    }
    if (box.size() != 4) {
      throw new RejectedException(
          ReasonCodes.OUT_OF_RANGE, field + " must have 4 numbers [x, y, width, height]");
    }
    List<Double> values = new ArrayList<>(4);
    for (JsonNode v : box) {
      if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0 || v.asDouble() > 1) {
        throw new RejectedException(
            ReasonCodes.OUT_OF_RANGE,
            field + " values must be numbers in 0..1 (relative to the image, top-left origin)");
      }
      values.add(v.asDouble());
    }
    return values;
  }

  Boolean optionalBoolean(String field) throws RejectedException {
    if (!has(field)) {
      return null;
    }
    JsonNode v = get(field);
    if (!v.isBoolean()) {
      throw new RejectedException(
          ReasonCodes.WRONG_TYPE,
          field + " must be true or false, not " + abbreviate(v.toString()));
    }
    return v.asBoolean();
  }

  JsonNode optionalArray(String field) throws RejectedException {
    if (!has(field)) {
      return null;
    }
    JsonNode v = get(field);
    if (!v.isArray()) {
      throw new RejectedException(
          ReasonCodes.WRONG_TYPE,
          field + " must be an array, not " + v.getNodeType().name().toLowerCase());
    }
    return v;
  }

  /**
   * {@code s} shortened for a reason, with control characters escaped: a reason quoting hostile
   * input stays storable.
   */
  static String abbreviate(String s) {
    String shown = s.length() <= 60 ? s : s.substring(0, 57) + "...";
    return StorableText.escape(shown);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
