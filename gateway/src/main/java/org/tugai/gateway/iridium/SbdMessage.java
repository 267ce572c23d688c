package org.tugai.gateway.iridium;

import java.time.Instant;
import java.util.Optional;

/**
 * One mobile-originated Iridium SBD message, however it reached us (DirectIP, a provider's
 * webhook).
 *
 * @param channel how it came: {@link org.tugai.schemas.Channels#IRIDIUM_DIRECTIP} or {@link
 *     org.tugai.schemas.Channels#IRIDIUM_ROCKBLOCK}
 * @param imei the modem's IMEI, 15 digits
 * @param momsn the modem's MO message sequence number: with the IMEI, what makes a re-delivery
 *     recognisable
 * @param sessionTime when the modem's session with the satellite took place
 * @param payload the bytes the collar sent
 * @param location where the Iridium network places the modem, if it says
 */
public record SbdMessage(
    String channel,
    String imei,
    int momsn,
    Instant sessionTime,
    byte[] payload,
    Optional<IridiumLocation> location) {

  /**
   * The Iridium network's own estimate of the modem's position: coarse (its CEP radius is
   * kilometres), so it is logged and documented but never taken for a GPS fix.
   */
  public record IridiumLocation(double lat, double lon, double cepKm) {}

  /** How this message is named in records' {@code source} and in dead letters. */
  public String source() {
    return channel + ":" + imei + ":" + momsn;
  }
}
