package org.tugai.gateway.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.tugai.avro.Alert;
import org.tugai.schemas.MqttTopics;

/** The alert as rangers' phones and bots receive it: plain JSON, ISO times, lower-case words. */
public final class AlertJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  /**
   * For one channel: coordinates rounded to the grid unless {@code gridDeg} is 0, and the channel
   * named.
   *
   * @param channel the channel it is sent on, or null
   * @param gridDeg grid in degrees, or 0 for precise coordinates
   */
  public static byte[] toJson(Alert a, String channel, double gridDeg) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("alertId", a.getAlertId());
    o.put("type", a.getType().name().toLowerCase(Locale.ROOT));
    o.put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT));
    o.put("status", a.getStatus().name().toLowerCase(Locale.ROOT));
    o.put("title", a.getTitle());
    o.put("firstSeen", a.getFirstSeen().toString());
    o.put("lastSeen", a.getLastSeen().toString());
    if (a.getLat() != null && a.getLon() != null) {
      ObjectNode location = o.putObject("location");
      if (gridDeg > 0) {
        location
            .put("lat", round(a.getLat(), gridDeg))
            .put("lon", round(a.getLon(), gridDeg))
            .put("roundedToDeg", gridDeg);
      } else {
        location.put("lat", a.getLat()).put("lon", a.getLon());
      }
    }
    if (channel != null) {
      o.put("channel", channel);
    }
    array(o, "zones", a.getZones());
    if (a.getAnimalId() != null) {
      o.put("animalId", a.getAnimalId());
    }
    if (a.getDeviceId() != null) {
      o.put("deviceId", a.getDeviceId());
    }
    array(o, "evidence", a.getEvidence());
    array(o, "media", a.getMedia());
    array(o, "links", a.getLinks());
    ObjectNode details = o.putObject("details");
    new TreeMap<>(a.getDetails()).forEach(details::put);
    if (a.getAcknowledgedBy() != null) {
      o.put("acknowledgedBy", a.getAcknowledgedBy());
      o.put(
          "acknowledgedAt",
          a.getAcknowledgedAt() == null ? null : a.getAcknowledgedAt().toString());
    }
    if (a.getNote() != null) {
      o.put("note", a.getNote());
    }
    o.put("updatedAt", a.getUpdatedAt().toString());
    // The ranger puts their own MQTT user name for {user}: the broker's ACL admits nobody else
    // there.
    o.put("ackTopic", MqttTopics.ack(channel, "{user}", a.getAlertId()));
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The centre of the grid cell: a ranger still gets a place to head for, to within half a cell.
   */
  static double round(double value, double gridDeg) {
    double cell = Math.floor(value / gridDeg) * gridDeg + gridDeg / 2;
    return BigDecimal.valueOf(cell).setScale(6, RoundingMode.HALF_UP).doubleValue();
  }

  private static void array(ObjectNode o, String name, List<String> values) {
    ArrayNode a = o.putArray(name);
    values.forEach(a::add);
  }
}
