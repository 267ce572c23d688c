package org.tugai.app.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.tugai.avro.Fix;
import org.tugai.embedded.MqttPublishing;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.TopicSpec;

/** A stream of distinct native fixes from several collars, and what of it arrived in Kafka. */
final class FixStream {

  private final String collarPrefix;
  private final int collars;
  private final Instant base =
      Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);

  FixStream(String collarPrefix, int collars) {
    this.collarPrefix = collarPrefix;
    this.collars = collars;
  }

  /** Publishes fix number {@code i} (QoS 1, waits for the broker's PUBACK). */
  void publish(MqttClient client, int i) throws MqttException {
    String collar = collarPrefix + (i % collars);
    Instant time = base.plus(i / collars, ChronoUnit.MINUTES);
    String json =
        String.format(
            Locale.ROOT,
            "{\"collarId\":\"%s\",\"fixTime\":\"%s\",\"lat\":%.5f,\"lon\":%.5f,\"fixType\":\"3D\"}",
            collar,
            time,
            37.2 + (i % 1000) * 1e-4,
            68.3 + (i % 700) * 1e-4);
    MqttPublishing.publish(
        client, MqttTopics.collarFixes(collar), json.getBytes(StandardCharsets.UTF_8));
  }

  /** Counts of what a topic holds for this stream: total records and distinct natural keys. */
  record Arrived(long total, Set<String> distinct) {
    long duplicates() {
      return total - distinct.size();
    }
  }

  Arrived arrived(String bootstrap, TopicSpec<String, Fix> topic) {
    Set<String> keys = new HashSet<>();
    long total = 0;
    for (ConsumerRecord<String, byte[]> r : TopicContents.read(bootstrap, topic.name())) {
      if (r.key() != null && r.key().startsWith(collarPrefix)) {
        Fix fix = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
        keys.add(fix.getCollarId() + "@" + fix.getFixTime());
        total++;
      }
    }
    return new Arrived(total, keys);
  }
}
