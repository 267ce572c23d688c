package org.tugai.gateway.decode;

/**
 * Why an input cannot become a record. {@code code} is short and stable (a metric tag and a column
 * operators filter on); {@code reason} tells a person what is wrong.
 */
public record Rejection(String code, String reason) {

  /** Every code above: the dead-letter counters exist from start-up, one per code. */
  public static java.util.List<String> codes() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (java.lang.reflect.Field f : Rejection.class.getFields()) {
      if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  public static final String PARSE_ERROR = "parse-error";
  public static final String INVALID_UTF8 = "invalid-utf8";
  public static final String NOT_AN_OBJECT = "not-an-object";
  public static final String MISSING_FIELD = "missing-field";
  public static final String WRONG_TYPE = "wrong-type";
  public static final String OUT_OF_RANGE = "out-of-range";
  public static final String NON_FINITE = "non-finite";
  public static final String NULL_ISLAND = "null-island";
  public static final String FUTURE_TIME = "future-time";
  public static final String TOO_OLD = "too-old";
  public static final String INCONSISTENT = "inconsistent";
  public static final String DEVICE_MISMATCH = "device-mismatch";
  public static final String INVALID_ID = "invalid-id";
  public static final String EMPTY_BATCH = "empty-batch";
  public static final String PAYLOAD_TOO_LARGE = "payload-too-large";
  public static final String UNKNOWN_TOPIC = "unknown-topic";
  /** Text the store cannot hold (NUL, control characters, unpaired surrogates) or longer than its limit. */
  public static final String BAD_TEXT = "bad-text";
  /** An acknowledgement whose payload names someone other than the user the broker authenticated. */
  public static final String IDENTITY_MISMATCH = "identity-mismatch";
  /** A decoded record Kafka refused for good (too large for the broker). */
  public static final String KAFKA_REFUSED = "kafka-refused";
  /** A satellite message from a modem (IMEI) no deployment names. */
  public static final String UNKNOWN_MODEM = "unknown-modem";
  /** A satellite payload its device's profile cannot decode (wrong length, unknown profile). */
  public static final String UNDECODABLE = "undecodable";
  /** A DirectIP message or provider webhook request that breaks its protocol (lengths, missing elements, bad hex). */
  public static final String MALFORMED_MESSAGE = "malformed-message";
  /** A row of a vendor file that is not a fix (a cell that is not a number or a time, a missing collar). */
  public static final String MALFORMED_ROW = "malformed-row";
  /** A file or e-mail attachment no importer can read (no known header, not text). */
  public static final String UNREADABLE_FILE = "unreadable-file";
}
