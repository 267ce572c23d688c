package org.tugai.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tugai.avro.Fix;
import org.tugai.schemas.ReasonCodes;

/**
 * LoRaWAN network-server uplinks: The Things Stack v3 ({@code v3/{app}@{tenant}/devices/{dev}/up},
 * position in {@code uplink_message.decoded_payload}) and ChirpStack v4 ({@code
 * application/{id}/device/{devEui}/event/up}, position in {@code object}). The payload formatter's
 * output is mapped to a fix by the device's profile; the fix time is the payload's own if the
 * profile names one, else when the network received the uplink: the earliest gateway (GPS) time of
 * reception, else the network server's receive time, else the application server's. A decoded
 * payload without a position is a failed fix (a sign of life, its battery kept) on both servers; an
 * uplink with no decoded payload at all (no codec configured) is a dead letter saying so. Radio
 * metadata (strongest RSSI, best SNR, receiving gateways) is kept.
 */
public final class LorawanUplinkDecoder {

  /** The two network servers' JSON layouts. */
  public enum Server {
    TTN_V3,
    CHIRPSTACK_V4
  }

  private final Server server;
  private final FixReader reader;
  private final LorawanProfiles profiles;

  public LorawanUplinkDecoder(Server server, TimeWindow window, LorawanProfiles profiles) {
    this.server = server;
    this.reader = new FixReader(window);
    this.profiles = profiles;
  }

  public Decoded<Fix> decode(
      String topicDeviceId, byte[] payload, String source, Instant receivedAt) {
    try {
      JsonNode root = JsonPayload.parse(payload);
      if (!root.isObject()) {
        throw new RejectedException(ReasonCodes.NOT_AN_OBJECT, "an uplink must be a JSON object");
      }
      Fix fix =
          server == Server.TTN_V3
              ? ttn(root, topicDeviceId, source, receivedAt)
              : chirpstack(root, topicDeviceId, source, receivedAt);
      return new Decoded<>(List.of(fix), List.of());
    } catch (RejectedException e) {
      return Decoded.rejectedWhole(payload, topicDeviceId, e.rejection());
    }
  }

  private Fix ttn(JsonNode root, String topicDevice, String source, Instant receivedAt)
      throws RejectedException {
    String device = new JsonFields(root).id("end_device_ids.device_id");
    if (!device.equals(topicDevice)) {
      throw new RejectedException(
          ReasonCodes.DEVICE_MISMATCH,
          "end_device_ids.device_id '"
              + device
              + "' differs from '"
              + topicDevice
              + "' in the topic");
    }
    JsonNode up = object(root, "uplink_message");
    JsonNode decoded = object(up, "decoded_payload");
    // When the radio left the collar, as near as the network knows it: the gateways' own (GPS) time
    // of reception, else the network server's receive time; the application server's received_at is
    // later still, and last resort.
    Instant networkTime =
        earliest(up.get("rx_metadata"), "time")
            .or(() -> optionalTime(up, "received_at"))
            .orElse(null);
    if (networkTime == null) {
      networkTime = new JsonFields(root).requiredTime("received_at");
    }
    Fix.Builder fix = reader.read(decoded, profiles.forDevice(device), device, networkTime);
    radio(fix, up.get("rx_metadata"), "gateway_ids.gateway_id");
    return fix.setReceivedAt(receivedAt).setSource(source).build();
  }

  private Fix chirpstack(JsonNode root, String topicDevEui, String source, Instant receivedAt)
      throws RejectedException {
    String devEui = new JsonFields(root).id("deviceInfo.devEui");
    if (!devEui.equalsIgnoreCase(topicDevEui)) {
      throw new RejectedException(
          ReasonCodes.DEVICE_MISMATCH,
          "deviceInfo.devEui '" + devEui + "' differs from '" + topicDevEui + "' in the topic");
    }
    JsonNode decoded = object(root, "object");
    // The same order as for The Things Stack: the gateways' GPS time, the network server's, then
    // the event's time.
    Instant networkTime =
        earliest(root.get("rxInfo"), "gwTime")
            .or(() -> earliest(root.get("rxInfo"), "nsTime"))
            .orElse(null);
    if (networkTime == null) {
      networkTime = new JsonFields(root).requiredTime("time");
    }
    String device = topicDevEui.toLowerCase(Locale.ROOT);
    Fix.Builder fix = reader.read(decoded, profiles.forDevice(device), device, networkTime);
    radio(fix, root.get("rxInfo"), "gatewayId");
    return fix.setReceivedAt(receivedAt).setSource(source).build();
  }

  /**
   * The earliest parseable time under {@code field} of the receptions; a gateway's bad clock is
   * skipped, not fatal.
   */
  private static Optional<Instant> earliest(JsonNode receptions, String field) {
    Instant min = null;
    if (receptions != null && receptions.isArray()) {
      for (JsonNode rx : receptions) {
        Instant t = optionalTime(rx, field).orElse(null);
        if (t != null && (min == null || t.isBefore(min))) {
          min = t;
        }
      }
    }
    return Optional.ofNullable(min);
  }

  private static Optional<Instant> optionalTime(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(v.asText()).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static JsonNode object(JsonNode parent, String field) throws RejectedException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw new RejectedException(
          ReasonCodes.MISSING_FIELD,
          field
              + " is missing"
              + (field.contains("decoded") || field.equals("object")
                  ? " (is a payload formatter / codec configured for this device?)"
                  : ""));
    }
    if (!node.isObject()) {
      throw new RejectedException(ReasonCodes.WRONG_TYPE, field + " must be an object");
    }
    return node;
  }

  private static void radio(Fix.Builder fix, JsonNode receptions, String gatewayField)
      throws RejectedException {
    if (receptions == null || !receptions.isArray()) {
      return;
    }
    if (receptions.size() > InputLimits.MAX_RECEPTIONS) {
      throw new RejectedException(
          ReasonCodes.OUT_OF_RANGE,
          "the uplink lists "
              + receptions.size()
              + " receptions; at most "
              + InputLimits.MAX_RECEPTIONS);
    }
    Double rssi = null;
    Double snr = null;
    List<String> gateways = new ArrayList<>();
    for (JsonNode rx : receptions) {
      JsonNode r = rx.has("rssi") ? rx.get("rssi") : rx.get("channel_rssi");
      if (r != null && r.isNumber() && Double.isFinite(r.asDouble())) {
        rssi = rssi == null ? r.asDouble() : Math.max(rssi, r.asDouble());
      }
      JsonNode s = rx.get("snr");
      if (s != null && s.isNumber() && Double.isFinite(s.asDouble())) {
        snr = snr == null ? s.asDouble() : Math.max(snr, s.asDouble());
      }
      JsonNode g =
          gatewayField.contains(".")
              ? rx.at("/" + gatewayField.replace('.', '/'))
              : rx.get(gatewayField);
      if (g != null && g.isTextual() && gateways.size() < 64) {
        gateways.add(JsonFields.storableName("gateway id", g.asText(), InputLimits.MAX_NAME));
      }
    }
    fix.setRssiDbm(rssi).setSnrDb(snr).setRadioGateways(gateways);
  }
}
