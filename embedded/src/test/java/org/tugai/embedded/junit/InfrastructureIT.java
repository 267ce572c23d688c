package org.tugai.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TugaiInfrastructure.class)
class InfrastructureIT {

  @Test
  void kafkaTakesAndGivesBackARecord(Infrastructure infra) throws Exception {
    String bootstrap = infra.kafkaBootstrapServers();
    String topic = Infrastructure.uniqueName("it-infra");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "hello")).get(30, TimeUnit.SECONDS);
    }
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                "bootstrap.servers", bootstrap, "group.id", topic, "auto.offset.reset", "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<String> values = new ArrayList<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  values.add(r.value());
                }
                return !values.isEmpty();
              });
      assertThat(values).containsExactly("hello");
    }
  }

  @Test
  void mqttBrokerDeliversAQos1Message(Infrastructure infra) throws Exception {
    String topic = "tugai-it/" + Infrastructure.uniqueName("infra");
    List<String> received = new CopyOnWriteArrayList<>();
    MqttClient sub =
        new MqttClient(infra.mqttUrl(), Infrastructure.uniqueName("sub"), new MemoryPersistence());
    MqttClient pub =
        new MqttClient(infra.mqttUrl(), Infrastructure.uniqueName("pub"), new MemoryPersistence());
    try {
      sub.connect(new MqttConnectionOptions());
      // Paho 1.2.5's subscribe(String, int, listener) recurses forever; the array form works.
      IMqttMessageListener listener =
          (t, m) -> received.add(new String(m.getPayload(), StandardCharsets.UTF_8));
      sub.subscribe(
          new MqttSubscription[] {new MqttSubscription(topic, 1)},
          new IMqttMessageListener[] {listener});
      pub.connect(new MqttConnectionOptions());
      pub.publish(topic, "ping".getBytes(StandardCharsets.UTF_8), 1, false);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("ping"));
    } finally {
      for (MqttClient client : List.of(pub, sub)) {
        if (client.isConnected()) {
          client.disconnect();
        }
        client.close();
      }
    }
  }

  @Test
  void postgresGivesEachTestClassItsOwnDatabase(Infrastructure infra) throws Exception {
    Infrastructure.Database a = infra.newDatabase();
    Infrastructure.Database b = infra.newDatabase();
    assertThat(a.url()).isNotEqualTo(b.url());
    try (Connection c = DriverManager.getConnection(a.url(), a.user(), a.password())) {
      c.createStatement().execute("CREATE TABLE t (x int)");
      c.createStatement().execute("INSERT INTO t VALUES (41), (1)");
      try (ResultSet rs =
          c.createStatement()
              .executeQuery("SELECT sum(x), current_setting('server_version_num')::int FROM t")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(42);
        assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(150000);
      }
    }
    try (Connection c = DriverManager.getConnection(b.url(), b.user(), b.password())) {
      try (ResultSet rs =
          c.createStatement()
              .executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 't'")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }
}
