package org.tugai.gateway.iridium;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.tugai.schemas.Channels;

/**
 * The Iridium SBD DirectIP mobile-originated protocol, revision 1: a 3-byte pre-header (revision,
 * overall length), then information elements, each an identifier byte, a 2-byte length and its
 * content, all big-endian. Tugai reads the MO header (0x01), the payload (0x02) and the location
 * (0x03), and answers with an MO confirmation (0x05).
 */
public final class DirectIp {

  public static final int PROTOCOL_REVISION = 1;
  static final int IEI_HEADER = 0x01;
  static final int IEI_PAYLOAD = 0x02;
  static final int IEI_LOCATION = 0x03;
  static final int IEI_CONFIRMATION = 0x05;
  private static final int HEADER_LENGTH = 28;
  private static final int LOCATION_LENGTH = 11;

  private DirectIp() {}

  /** A message that breaks the protocol; {@link #bytes} are what was read, for the dead letter. */
  public static final class MalformedException extends Exception {
    private final transient byte[] bytes;

    MalformedException(String reason, byte[] bytes) {
      super(reason, null, false, false);
      this.bytes = bytes;
    }

    public byte[] bytes() {
      return bytes;
    }
  }

  /**
   * The connection does not speak DirectIP at all (another revision, a port scanner): nothing worth
   * keeping.
   */
  public static final class NotDirectIpException extends Exception {
    NotDirectIpException(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The connection ended before the whole message came: the Iridium gateway will deliver it again.
   */
  public static final class TruncatedException extends Exception {
    TruncatedException(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Reads one whole message from {@code in}: the pre-header, then exactly the overall length it
   * announces.
   */
  public static byte[] readMessage(InputStream in)
      throws IOException, NotDirectIpException, TruncatedException {
    byte[] pre = in.readNBytes(3);
    if (pre.length == 0) {
      throw new TruncatedException("the connection closed before any byte");
    }
    if (pre[0] != PROTOCOL_REVISION) {
      throw new NotDirectIpException(
          "protocol revision " + (pre[0] & 0xFF) + ", not " + PROTOCOL_REVISION);
    }
    if (pre.length < 3) {
      throw new TruncatedException("the connection closed inside the pre-header");
    }
    int length = ((pre[1] & 0xFF) << 8) | (pre[2] & 0xFF);
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new TruncatedException(
          "the connection closed after " + body.length + " of " + length + " bytes");
    }
    byte[] whole = new byte[3 + length];
    System.arraycopy(pre, 0, whole, 0, 3);
    System.arraycopy(body, 0, whole, 3, length);
    return whole;
  }

  /** Parses a whole message (as {@link #readMessage} returned it). */
  public static SbdMessage parse(byte[] message) throws MalformedException {
    ByteBuffer b = ByteBuffer.wrap(message);
    b.position(3);
    String imei = null;
    int momsn = 0;
    Instant session = null;
    byte[] payload = null;
    Optional<SbdMessage.IridiumLocation> location = Optional.empty();
    while (b.hasRemaining()) {
      if (b.remaining() < 3) {
        throw new MalformedException(
            "a truncated information element header at byte " + b.position(), message);
      }
      int iei = b.get() & 0xFF;
      int length = b.getShort() & 0xFFFF;
      if (length > b.remaining()) {
        throw new MalformedException(
            "information element 0x"
                + Integer.toHexString(iei)
                + " claims "
                + length
                + " bytes, "
                + b.remaining()
                + " remain",
            message);
      }
      ByteBuffer content = b.slice(b.position(), length);
      b.position(b.position() + length);
      switch (iei) {
        case IEI_HEADER -> {
          if (length != HEADER_LENGTH) {
            throw new MalformedException(
                "MO header of " + length + " bytes, not " + HEADER_LENGTH, message);
          }
          content.getInt(); // CDR reference: the gateway's call record, not needed to recognise a
          // re-delivery
          byte[] id = new byte[15];
          content.get(id);
          imei = new String(id, StandardCharsets.US_ASCII);
          content.get(); // session status: a failed session simply has no payload
          momsn = content.getShort() & 0xFFFF;
          content.getShort(); // MTMSN
          session = Instant.ofEpochSecond(content.getInt() & 0xFFFF_FFFFL);
        }
        case IEI_PAYLOAD -> {
          payload = new byte[length];
          content.get(payload);
        }
        case IEI_LOCATION -> {
          if (length != LOCATION_LENGTH) {
            throw new MalformedException(
                "MO location of " + length + " bytes, not " + LOCATION_LENGTH, message);
          }
          location = Optional.of(location(content));
        }
        default -> {
          // Elements of later revisions are skipped, as the protocol asks.
        }
      }
    }
    if (imei == null) {
      throw new MalformedException("no MO header (information element 0x01)", message);
    }
    if (!imei.matches("[0-9]{15}")) {
      throw new MalformedException(
          "IMEI '" + imei.replaceAll("[^ -~]", "?") + "' is not 15 digits", message);
    }
    // No payload: a mailbox check, or a failed session (status 10 and above: timeout, RF loss):
    // nothing to decode.
    return new SbdMessage(
        Channels.IRIDIUM_DIRECTIP,
        imei,
        momsn,
        session,
        payload == null ? new byte[0] : payload,
        location);
  }

  private static SbdMessage.IridiumLocation location(ByteBuffer c) {
    int flags = c.get() & 0xFF;
    boolean south = (flags & 0x02) != 0;
    boolean west = (flags & 0x01) != 0;
    double lat = (c.get() & 0xFF) + (c.getShort() & 0xFFFF) / 60_000.0;
    double lon = (c.get() & 0xFF) + (c.getShort() & 0xFFFF) / 60_000.0;
    double cep = c.getInt() & 0xFFFF_FFFFL;
    return new SbdMessage.IridiumLocation(south ? -lat : lat, west ? -lon : lon, cep);
  }

  /** The MO confirmation: status 1 tells the Iridium gateway the message is safe with us. */
  public static byte[] confirmation(boolean success) {
    return new byte[] {PROTOCOL_REVISION, 0, 4, IEI_CONFIRMATION, 0, 1, (byte) (success ? 1 : 0)};
  }

  /**
   * Encodes a message as the Iridium gateway sends it: used by tests and the benchmark's simulated
   * gateway.
   */
  public static byte[] encode(
      long cdrReference,
      String imei,
      int sessionStatus,
      int momsn,
      int mtmsn,
      Instant session,
      byte[] payload,
      Optional<SbdMessage.IridiumLocation> location) {
    int length =
        3
            + HEADER_LENGTH
            + (payload == null ? 0 : 3 + payload.length)
            + (location.isPresent() ? 3 + LOCATION_LENGTH : 0);
    ByteBuffer b = ByteBuffer.allocate(3 + length);
    b.put((byte) PROTOCOL_REVISION).putShort((short) length);
    b.put((byte) IEI_HEADER)
        .putShort((short) HEADER_LENGTH)
        .putInt((int) cdrReference)
        .put(imei.getBytes(StandardCharsets.US_ASCII))
        .put((byte) sessionStatus)
        .putShort((short) momsn)
        .putShort((short) mtmsn)
        .putInt((int) session.getEpochSecond());
    if (payload != null) {
      b.put((byte) IEI_PAYLOAD).putShort((short) payload.length).put(payload);
    }
    location.ifPresent(
        l -> {
          double lat = Math.abs(l.lat());
          double lon = Math.abs(l.lon());
          b.put((byte) IEI_LOCATION)
              .putShort((short) LOCATION_LENGTH)
              .put((byte) ((l.lat() < 0 ? 0x02 : 0) | (l.lon() < 0 ? 0x01 : 0)))
              .put((byte) (int) lat)
              .putShort((short) Math.round((lat - (int) lat) * 60_000))
              .put((byte) (int) lon)
              .putShort((short) Math.round((lon - (int) lon) * 60_000))
              .putInt((int) l.cepKm());
        });
    return b.array();
  }
}
