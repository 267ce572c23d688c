package org.tugai.gateway.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.tugai.avro.Alert;

/** The alert as rangers' phones and bots receive it: plain JSON, ISO times, lower-case words. */
public final class AlertJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  public static byte[] toJson(Alert a) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("alertId", a.getAlertId());
    o.put("type", a.getType().name().toLowerCase(Locale.ROOT));
    o.put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT));
    o.put("status", a.getStatus().name().toLowerCase(Locale.ROOT));
    o.put("title", a.getTitle());
    o.put("firstSeen", a.getFirstSeen().toString());
    o.put("lastSeen", a.getLastSeen().toString());
    if (a.getLat() != null && a.getLon() != null) {
      o.putObject("location").put("lat", a.getLat()).put("lon", a.getLon());
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
    if (a.getAcknowledgedBy() != null) {
      o.put("acknowledgedBy", a.getAcknowledgedBy());
      o.put("acknowledgedAt", a.getAcknowledgedAt() == null ? null : a.getAcknowledgedAt().toString());
    }
    if (a.getNote() != null) {
      o.put("note", a.getNote());
    }
    o.put("updatedAt", a.getUpdatedAt().toString());
    o.put("ackTopic", "tugai/v1/alerts/" + a.getAlertId() + "/ack");
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void array(ObjectNode o, String name, List<String> values) {
    ArrayNode a = o.putArray(name);
    values.forEach(a::add);
  }

}
