package org.tugai.api.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.tugai.api.auth.AccessControl;
import org.tugai.api.auth.Caller;
import org.tugai.api.auth.Role;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.AlertAck;
import org.tugai.schemas.text.StorableText;
import org.tugai.schemas.TopicSpec;

/**
 * {@code POST /api/v1/alerts/{id}/ack} with {@code {"note": "..."}}: the acknowledgement goes to the
 * alert-acks topic, exactly as one from {@code tugai/v1/acks/{channel}/{user}/{id}} does, and the lifecycle in
 * streams applies it. Who acknowledged is the token's name (a {@code by} naming anyone else is refused), and
 * the history records the token's id. Text the store cannot hold is refused with 400. Answers 202 once Kafka
 * has it.
 */
public final class AckEndpoint {

  private static final Logger log = LoggerFactory.getLogger(AckEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Producer<String, byte[]> producer;
  private final TopicSpec<String, AlertAck> topic;
  private final DataSource dataSource;

  public AckEndpoint(Producer<String, byte[]> producer, TopicSpec<String, AlertAck> topic, DataSource dataSource) {
    this.producer = producer;
    this.topic = topic;
    this.dataSource = dataSource;
  }

  public void handle(Context ctx) throws SQLException {
    String alertId = ctx.pathParam("id");
    Caller caller = AccessControl.caller(ctx);
    if (caller.role() == Role.RANGER) {
      // A ranger acknowledges only what they can see: an alert already stored, in one of their zones.
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
      body = JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      ctx.status(400).json(Map.of("error", "body is not JSON: " + e.getMessage().lines().findFirst().orElse("")));
      return;
    }
    if (body == null || !body.isObject()) {
      ctx.status(400).json(Map.of("error", "body must be a JSON object like {\"note\": \"on our way\"}"));
      return;
    }
    String by = caller.name();
    if (body.has("by") && !(body.path("by").isTextual() && body.path("by").asText().strip().equals(by))) {
      ctx.status(400).json(Map.of("error", "'by' must be the name of your token ('" + by + "') or left out: the acknowledgement records "
          + "who the token belongs to"));
      return;
    }
    if (body.has("note") && !body.path("note").isTextual() && !body.path("note").isNull()) {
      ctx.status(400).json(Map.of("error", "'note' must be a string"));
      return;
    }
    String note = body.path("note").isTextual() ? body.path("note").asText() : null;
    java.util.Optional<String> problem = StorableText.problemInText("note", note, 2_000)
        .or(() -> StorableText.problemInName("the alert id", alertId, 500));
    if (problem.isPresent()) {
      ctx.status(400).json(Map.of("error", problem.get()));
      return;
    }
    AlertAck ack = AlertAck.newBuilder().setAlertId(alertId).setBy(by).setNote(note).setAt(Instant.now())
        .setSource("api:" + caller.tokenId() + "@" + ctx.ip()).setVia("token:" + caller.tokenId()).build();
    try {
      producer.send(new ProducerRecord<>(topic.name(), alertId, topic.valueSerde().serializer().serialize(topic.name(), ack)))
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("acknowledgement of {} by {} not stored: {}", alertId, by, e.toString());
      ctx.status(503).json(Map.of("error", "Kafka did not take the acknowledgement; try again"));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ctx.status(503).json(Map.of("error", "interrupted"));
      return;
    }
    log.info("alert {} acknowledged by {} over the API (token {})", alertId, by, caller.tokenId());
    ctx.status(202).json(Map.of("alertId", alertId, "by", by, "status", "accepted"));
  }

  /** The alert's zones and channels, or null when the store does not have it. */
  private List<String> zonesOf(String alertId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT zones || channels FROM alerts WHERE alert_id = ?")) {
      ps.setString(1, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> zones = rs.next() ? List.of((String[]) rs.getArray(1).getArray()) : null;
        c.rollback();
        return zones;
      }
    }
  }
}
