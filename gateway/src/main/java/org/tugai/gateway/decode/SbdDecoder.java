package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tugai.avro.Fix;
import org.tugai.schemas.ReasonCodes;

/**
 * A satellite message's payload to fixes: decoded by its device's profile, then validated exactly
 * as a native MQTT fix is (ranges, time window, failed fixes), so every source is held to the same
 * limits. Each record stands alone: a bad one becomes a dead letter while the others go on.
 */
public final class SbdDecoder {

  private final SbdProfiles profiles;
  private final FixReader reader;

  public SbdDecoder(SbdProfiles profiles, TimeWindow window) {
    this.profiles = profiles;
    this.reader = new FixReader(window);
  }

  /**
   * @param sessionTime the modem's session time: the fix time of records without one, and every
   *     fix's device time
   */
  public Decoded<Fix> decode(
      String collarId,
      Optional<String> profile,
      byte[] payload,
      Instant sessionTime,
      String source,
      Instant receivedAt) {
    Optional<SbdPayloadDecoder> decoder = profiles.decoder(profile);
    if (decoder.isEmpty()) {
      return Decoded.rejectedWhole(
          payload,
          collarId,
          new Rejection(
              ReasonCodes.UNDECODABLE,
              "collar "
                  + collarId
                  + "'s payload profile '"
                  + profile.orElse("")
                  + "' is not configured; known: "
                  + profiles.names()));
    }
    List<SbdFix> decoded;
    try {
      decoded = decoder.get().decode(payload, sessionTime);
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, collarId, e.rejection());
    } catch (RuntimeException e) {
      // A vendor plug-in's bug must not take the gateway down: the message is kept as a dead letter
      // saying so.
      return Decoded.rejectedWhole(
          payload,
          collarId,
          new Rejection(
              ReasonCodes.UNDECODABLE, "decoder " + decoder.get().name() + " failed: " + e));
    }
    if (decoded.isEmpty()) {
      return Decoded.rejectedWhole(
          payload,
          collarId,
          new Rejection(
              ReasonCodes.EMPTY_BATCH,
              "profile " + decoder.get().name() + " found no fix in the payload"));
    }
    List<Fix> fixes = new ArrayList<>();
    List<Decoded.Part> rejected = new ArrayList<>();
    for (int i = 0; i < decoded.size(); i++) {
      try {
        fixes.add(
            reader
                .read(json(collarId, decoded.get(i), sessionTime), FixFields.NATIVE, collarId, null)
                .setReceivedAt(receivedAt)
                .setSource(source)
                .build());
      } catch (RejectedException e) {
        String where = decoded.size() > 1 ? "record " + i + " of " + decoded.size() + ": " : "";
        rejected.add(
            new Decoded.Part(
                payload,
                collarId,
                new Rejection(e.rejection().code(), where + e.rejection().reason())));
      }
    }
    return new Decoded<>(fixes, rejected);
  }

  /**
   * The record in the native format's names, so {@link FixReader} applies the same checks as to an
   * MQTT fix.
   */
  private static ObjectNode json(String collarId, SbdFix f, Instant sessionTime) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("collarId", collarId);
    n.put("fixTime", (f.fixTime() == null ? sessionTime : f.fixTime()).toString());
    n.put("sentAt", sessionTime.toString());
    put(n, "lat", f.lat());
    put(n, "lon", f.lon());
    put(n, "altitudeM", f.altitudeM());
    put(n, "hdop", f.hdop());
    put(n, "pdop", f.pdop());
    put(n, "temperatureC", f.temperatureC());
    put(n, "batteryV", f.batteryV());
    if (f.satellites() != null) {
      n.put("satellites", f.satellites());
    }
    if (f.activity() != null) {
      n.put("activity", f.activity());
    }
    if (f.mortality() != null) {
      n.put("mortality", f.mortality());
    }
    if (f.fixType() != null) {
      n.put("fixType", f.fixType());
    }
    return n;
  }

  private static void put(ObjectNode n, String name, Double value) {
    if (value != null) {
      n.put(name, value);
    }
  }
}
