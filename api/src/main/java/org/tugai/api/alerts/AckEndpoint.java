package org.tugai.api.alerts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.api.auth.AccessControl;
import org.tugai.api.auth.Caller;
import org.tugai.api.auth.Role;
import org.tugai.api.http.Bodies;
import org.tugai.avro.AlertAck;
import org.tugai.schemas.TopicSpec;
import org.tugai.schemas.text.StorableText;

/**
 * {@code POST /api/v1/alerts/{id}/ack} with {@code {"note": "...", "ackId": "..."}} (the client's
 * own id, optional: sent again, it is applied once): the acknowledgement goes to the alert-acks
 * topic, exactly as one from {@code tugai/v1/acks/{channel}/{user}/{id}} does, and the lifecycle in
 * streams applies it. Who acknowledged is the token's name (a {@code by} naming anyone else is
 * refused), and the history records the token's id. Text the store cannot hold is refused with 400.
 * Answers 202 once Kafka has it.
 */
public final class AckEndpoint {

  private static final Logger log = LoggerFactory.getLogger(AckEndpoint.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  /**
   * An acknowledgement is a note of at most 2,000 characters: 16 KB is room for it in any escaping.
   */
  static final int MAX_BODY = 16 * 1024;

  private final Producer<String, byte[]> producer;
  private final TopicSpec<String, AlertAck> topic;
  private final DataSource dataSource;

  public AckEndpoint(
      Producer<String, byte[]> producer, TopicSpec<String, AlertAck> topic, DataSource dataSource) {
    this.producer = producer;
    this.topic = topic;
    this.dataSource = dataSource;
  }

  public void handle(Context ctx) throws SQLException {
    String alertId = ctx.pathParam("id");
    Caller caller = AccessControl.caller(ctx);
    if (caller.role() == Role.RANGER) {
      // A ranger acknowledges only what they can see: an alert already stored, in one of their
      // zones.
      List<String> zones = zonesOf(alertId);
      if (zones == null) {
        throw new NotFoundResponse("no alert '" + alertId + "'");
      }
      if (!caller.covers(zones)) {
        throw new ForbiddenResponse("alert '" + alertId + "' is not in your zones");
      }
    }
    JsonNode body;
    try {
      body = JSON.readTree(Bodies.read(ctx, MAX_BODY));
    } catch (IOException e) {
      throw new BadRequestResponse(
          "body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (body == null || !body.isObject()) {
      throw new BadRequestResponse("body must be a JSON object like {\"note\": \"on our way\"}");
    }
    String by = caller.name();
    if (body.has("by")
        && !(body.path("by").isTextual() && body.path("by").asText().strip().equals(by))) {
      throw new BadRequestResponse(
          "'by' must be the name of your token ('"
              + by
              + "') or left out: the acknowledgement records "
              + "who the token belongs to");
    }
    if (body.has("note") && !body.path("note").isTextual() && !body.path("note").isNull()) {
      throw new BadRequestResponse("'note' must be a string");
    }
    Iterator<String> fields = body.fieldNames();
    while (fields.hasNext()) {
      String f = fields.next();
      if (!f.equals("by") && !f.equals("note") && !f.equals("ackId")) {
        throw new BadRequestResponse(
            "unknown field '"
                + f
                + "'; an acknowledgement has 'note', optionally 'by' and 'ackId'");
      }
    }
    if (body.has("ackId") && !body.path("ackId").isTextual()) {
      throw new BadRequestResponse("'ackId' must be a string");
    }
    String note = body.path("note").isTextual() ? body.path("note").asText() : null;
    String ackId = body.path("ackId").isTextual() ? body.path("ackId").asText() : null;
    Optional<String> problem =
        StorableText.problemInText("note", note, 2_000)
            .or(() -> StorableText.problemInName("the alert id", alertId, 500))
            .or(() -> StorableText.problemInName("ackId", ackId, 100));
    if (problem.isPresent()) {
      throw new BadRequestResponse(problem.get());
    }
    AlertAck ack =
        AlertAck.newBuilder()
            .setAlertId(alertId)
            .setBy(by)
            .setNote(note)
            .setAt(Instant.now())
            .setSource("api:" + caller.tokenId() + "@" + ctx.ip())
            .setVia("token:" + caller.tokenId())
            .setAckId(ackId)
            .build();
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic.name(),
                  alertId,
                  topic.valueSerde().serializer().serialize(topic.name(), ack)))
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("acknowledgement of {} by {} not stored: {}", alertId, by, e.toString());
      throw new ServiceUnavailableResponse("Kafka did not take the acknowledgement; try again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.javalin.http.ServiceUnavailableResponse("interrupted");
    }
    log.info("alert {} acknowledged by {} over the API (token {})", alertId, by, caller.tokenId());
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("alertId", alertId);
    answer.put("by", by);
    answer.put("status", "accepted");
    if (ackId != null) {
      answer.put("ackId", ackId);
    }
    ctx.status(202).json(answer);
  }

  /** The alert's zones and channels, or null when the store does not have it. */
  private List<String> zonesOf(String alertId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT zones || channels AS routes FROM alerts WHERE alert_id = ?")) {
      ps.setString(1, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> zones =
            rs.next() ? List.of((String[]) rs.getArray("routes").getArray()) : null;
        c.rollback();
        return zones;
      }
    }
  }
}
