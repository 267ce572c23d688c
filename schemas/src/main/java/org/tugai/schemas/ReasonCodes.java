package org.tugai.schemas;

import java.util.List;

/**
 * The reason codes of dead letters ({@code DeadLetter.reasonCode}): one home for the words every
 * component writes and operators filter on. A code is short and stable (a metric tag, a column);
 * the letter's {@code reason} tells a person what is wrong.
 */
public final class ReasonCodes {

  // What the gateway refuses of a device's input.
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

  /**
   * Text the store cannot hold (NUL, control characters, unpaired surrogates) or longer than its
   * limit.
   */
  public static final String BAD_TEXT = "bad-text";

  /**
   * An acknowledgement whose payload names someone other than the user the broker authenticated.
   */
  public static final String IDENTITY_MISMATCH = "identity-mismatch";

  /** A decoded record Kafka refused for good (too large for the broker). */
  public static final String KAFKA_REFUSED = "kafka-refused";

  /** A satellite message from a modem (IMEI) no deployment names. */
  public static final String UNKNOWN_MODEM = "unknown-modem";

  /**
   * A satellite payload its device's profile cannot decode (wrong length, unknown profile); for
   * streams and ingest, a Kafka record no reader can decode.
   */
  public static final String UNDECODABLE = "undecodable";

  /**
   * A DirectIP message or provider webhook request that breaks its protocol (lengths, missing
   * elements, bad hex).
   */
  public static final String MALFORMED_MESSAGE = "malformed-message";

  /**
   * A row of a vendor file or a data package that cannot be held (a cell that is not a number or a
   * time, a missing id).
   */
  public static final String MALFORMED_ROW = "malformed-row";

  /** A file or e-mail attachment no importer can read (no known header, not text). */
  public static final String UNREADABLE_FILE = "unreadable-file";

  /** A device no deployment names, with {@code gateway.unknown-devices: reject}. */
  public static final String UNKNOWN_DEVICE = "unknown-device";

  /** A record from before its device's first deployment began. */
  public static final String BEFORE_DEPLOYMENT = "before-deployment";

  /**
   * An alert a webhook receiver did not take (refused as it is, or down for longer than the outage
   * limit).
   */
  public static final String WEBHOOK_FAILED = "webhook-failed";

  // What streams refuses.
  /**
   * An acknowledgement of an alert the lifecycle does not know (never raised, or forgotten after
   * its retention).
   */
  public static final String UNKNOWN_ALERT = "unknown-alert";

  /** An acknowledgement the lifecycle refuses (wrong channel, text the store cannot hold). */
  public static final String ACK_REFUSED = "ack-refused";

  // What ingest refuses.
  /** A record the store refused for good (a constraint, text it cannot hold). */
  public static final String STORE_REJECTED = "store-rejected";

  /** The codes the gateway may give: its dead-letter counters exist from start-up, one per code. */
  public static final List<String> GATEWAY =
      List.of(
          PARSE_ERROR,
          INVALID_UTF8,
          NOT_AN_OBJECT,
          MISSING_FIELD,
          WRONG_TYPE,
          OUT_OF_RANGE,
          NON_FINITE,
          NULL_ISLAND,
          FUTURE_TIME,
          TOO_OLD,
          INCONSISTENT,
          DEVICE_MISMATCH,
          INVALID_ID,
          EMPTY_BATCH,
          PAYLOAD_TOO_LARGE,
          UNKNOWN_TOPIC,
          BAD_TEXT,
          IDENTITY_MISMATCH,
          KAFKA_REFUSED,
          UNKNOWN_MODEM,
          UNDECODABLE,
          MALFORMED_MESSAGE,
          MALFORMED_ROW,
          UNREADABLE_FILE,
          UNKNOWN_DEVICE,
          BEFORE_DEPLOYMENT,
          WEBHOOK_FAILED);

  /** The codes ingest may give. */
  public static final List<String> INGEST = List.of(UNDECODABLE, STORE_REJECTED);

  private ReasonCodes() {}
}
