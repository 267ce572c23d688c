package org.tugai.gateway.decode;

import java.time.Instant;
import java.util.List;

/**
 * Turns the payload of one Iridium SBD message into the fixes it carries (one, or several from a
 * store-and-forward message). Vendors' formats that a {@link BinaryLayout} cannot express plug in
 * here: implement this interface, list the class in {@code
 * META-INF/services/org.tugai.gateway.decode.SbdPayloadDecoder} on the gateway's class path, and
 * name it in a deployment's {@code payloadProfile} or {@code gateway.sbd.default-profile}.
 */
public interface SbdPayloadDecoder {

  /** The profile name deployments use for this decoder. */
  String name();

  /**
   * @param sessionTime when the modem's session with the satellite took place (the newest a fix can
   *     be)
   * @throws RejectedException when the payload is not in this format: the message becomes a dead
   *     letter with the reason
   */
  List<SbdFix> decode(byte[] payload, Instant sessionTime) throws RejectedException;
}
