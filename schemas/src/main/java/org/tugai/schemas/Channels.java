package org.tugai.schemas;

/**
 * How a record reached Tugai, as the first part of its {@code source} (before the first ':'): an
 * MQTT source's name ({@code local} by default), one of the satellite inputs, or a file import.
 * Streams keys per-channel settings on it (lateness grace, expected reporting interval).
 */
public final class Channels {

  /** The Iridium gateway's DirectIP MO push. */
  public static final String IRIDIUM_DIRECTIP = "iridium-directip";

  /** An Iridium service provider's webhook (RockBLOCK and alike). */
  public static final String IRIDIUM_ROCKBLOCK = "iridium-rockblock";

  /** Iridium SBD messages mailed by the Iridium gateway ({@code IMEI_MOMSN.sbd} attachments). */
  public static final String IRIDIUM_EMAIL = "iridium-email";

  /** E-mails that could not be read (their dead letters). */
  public static final String MAIL = "mail";

  /**
   * Vendor files imported by command, from the inbox folder or from e-mail: {@code
   * import-{format}}.
   */
  public static final String IMPORT_PREFIX = "import-";

  private Channels() {}

  /**
   * The channel of a record's source: the part before its first ':' (all of it when there is none).
   */
  public static String of(String source) {
    if (source == null) {
      return "";
    }
    int colon = source.indexOf(':');
    return colon < 0 ? source : source.substring(0, colon);
  }
}
