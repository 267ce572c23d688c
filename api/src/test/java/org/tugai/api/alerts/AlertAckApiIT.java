package org.tugai.api.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.api.ApiConfig;
import org.tugai.api.ApiService;
import org.tugai.api.TestDataSources;
import org.tugai.api.auth.ApiTokens;
import org.tugai.avro.AlertAck;
import org.tugai.core.config.Settings;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * POST /api/v1/alerts/{id}/ack puts the acknowledgement on the alert-acks topic, as MQTT does; bad
 * bodies are 400.
 */
@ExtendWith(TugaiInfrastructure.class)
class AlertAckApiIT {

  @Test
  void anAcknowledgementOverHttpLandsOnTheAckTopic(Infrastructure infra) throws Exception {
    String prefix = Infrastructure.uniqueName("ackapi") + ".";
    Infrastructure.Database db = infra.newDatabase();
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    ApiConfig config =
        ApiConfig.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    infra.kafkaBootstrapServers(),
                    "kafka.topic-prefix",
                    prefix,
                    "db.url",
                    db.url(),
                    "db.user",
                    db.user(),
                    "db.password",
                    db.password(),
                    "http.port",
                    "0")));
    try (ApiService api =
        new ApiService(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      api.start();
      String token =
          new ApiTokens(TestDataSources.of(db))
              .create("duty officer", org.tugai.api.auth.Role.ADMIN, List.of(), null)
              .token();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + api.port() + "/api/v1/alerts/";
      String alertId = "CT-1|intrusion|1781550000000";
      String encoded = URLEncoder.encode(alertId, StandardCharsets.UTF_8).replace("+", "%20");
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(URI.create(base + encoded + "/ack"))
                  .header("Authorization", "Bearer " + token)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"note\": \"on our way\", \"ackId\": \"q-1\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(202);
      assertThat(ok.body()).contains("duty officer").contains("\"ackId\":\"q-1\"");

      for (String bad :
          List.of(
              "{\"by\": \"ranger-dilnoza\"}",
              "{\"by\": \"\"}",
              "{\"by\": 42}",
              "{truncated",
              "[]",
              "{\"note\": \"x\"} garbage",
              "{\"note\": \"on our way\\u0000\"}",
              "{\"note\": \"" + "x".repeat(2_001) + "\"}",
              "{\"note\": 7}",
              "{\"ackId\": 7}",
              "{\"ackId\": \"q\\u0000\"}",
              "{\"ackId\": \"" + "q".repeat(101) + "\"}")) {
        HttpResponse<String> rejected =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "x/ack"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(bad))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rejected.statusCode()).as(bad).isEqualTo(400);
        assertThat(rejected.body()).contains("error");
      }

      List<ConsumerRecord<String, byte[]>> records =
          TopicContents.read(infra.kafkaBootstrapServers(), topics.alertAcks().name());
      assertThat(records).hasSize(1);
      assertThat(records.get(0).key()).isEqualTo(alertId);
      AlertAck ack =
          topics.alertAcks().valueSerde().deserializer().deserialize("t", records.get(0).value());
      assertThat(ack.getBy()).isEqualTo("duty officer");
      assertThat(ack.getNote()).isEqualTo("on our way");
      assertThat(ack.getSource()).startsWith("api:");
      assertThat(ack.getVia()).startsWith("token:").hasSizeGreaterThan(10);
      assertThat(ack.getAckId()).isEqualTo("q-1");
    }
  }
}
