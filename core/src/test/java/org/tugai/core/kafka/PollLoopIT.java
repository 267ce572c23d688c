package org.tugai.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;

/**
 * Reading a topic to its end now, committed records only, and following it until stopped or woken.
 */
@ExtendWith(TugaiInfrastructure.class)
class PollLoopIT {

  @Test
  void readsEveryPartitionToItsEndAndNoTransactionStillOpen(Infrastructure infra) throws Exception {
    String topic = topic(infra, "poll-loop", 3);
    try (KafkaProducer<String, String> producer = producer(infra, null)) {
      for (int i = 0; i < 30; i++) {
        producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "v" + i));
      }
      producer.flush();
    }
    // A transaction left open: a read_committed reader's end is before it, so the read ends without
    // it.
    KafkaProducer<String, String> open = producer(infra, "poll-loop-open");
    open.initTransactions();
    open.beginTransaction();
    open.send(new ProducerRecord<>(topic, 0, "open", "not committed")).get();
    try (KafkaConsumer<String, String> consumer = consumer(infra)) {
      List<ConsumerRecord<String, String>> read = new CopyOnWriteArrayList<>();
      List<TopicPartition> partitions =
          PollLoop.fromBeginning(consumer, topic, Duration.ofSeconds(30), read::add);
      assertThat(partitions).hasSize(3);
      assertThat(read).extracting(ConsumerRecord::key).hasSize(30).doesNotContain("open");
      // Once committed, it lies before the end and is read.
      consumer.seekToBeginning(partitions);
      open.commitTransaction();
      List<ConsumerRecord<String, String>> again = new CopyOnWriteArrayList<>();
      PollLoop.toEnd(consumer, partitions, Duration.ofSeconds(30), again::add);
      assertThat(again).extracting(ConsumerRecord::key).contains("open").hasSize(31);
    } finally {
      open.close();
    }
  }

  @Test
  void aReadThatCannotReachTheEndFailsAtItsDeadline(Infrastructure infra) throws Exception {
    String topic = topic(infra, "poll-loop-end", 1);
    try (KafkaProducer<String, String> producer = producer(infra, null)) {
      producer.send(new ProducerRecord<>(topic, "k", "v")).get();
    }
    try (KafkaConsumer<String, String> consumer = consumer(infra)) {
      TopicPartition p = new TopicPartition(topic, 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      // Paused, the partition never advances: the loop must give up, not spin.
      consumer.pause(List.of(p));
      assertThatThrownBy(() -> PollLoop.toEnd(consumer, List.of(p), Duration.ofSeconds(2), r -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(topic);
    }
  }

  @Test
  void followsUntilWokenAndClosesTheConsumer(Infrastructure infra) throws Exception {
    String topic = topic(infra, "poll-loop-follow", 1);
    KafkaConsumer<String, String> consumer = consumer(infra);
    TopicPartition p = new TopicPartition(topic, 0);
    try (KafkaProducer<String, String> producer = producer(infra, null)) {
      producer.send(new ProducerRecord<>(topic, "first", "1")).get();
    }
    consumer.assign(List.of(p));
    consumer.seekToBeginning(List.of(p));
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread thread =
        new Thread(
            () ->
                PollLoop.follow(
                    consumer,
                    running::get,
                    Duration.ofMillis(200),
                    batch -> batch.forEach(r -> seen.add(r.key()))),
            "poll-loop-follow");
    thread.start();
    try (KafkaProducer<String, String> producer = producer(infra, null)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("first"));
      producer.send(new ProducerRecord<>(topic, "second", "2")).get();
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("second"));
    }
    running.set(false);
    ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(10));
    assertThat(thread.isAlive()).isFalse();
    // Closed by the loop: a closed consumer refuses to be used.
    assertThatThrownBy(() -> consumer.poll(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
  }

  private static String topic(Infrastructure infra, String name, int partitions) throws Exception {
    String topic = Infrastructure.uniqueName(name);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return topic;
  }

  private static KafkaProducer<String, String> producer(
      Infrastructure infra, String transactionalId) {
    Map<String, Object> c =
        new java.util.HashMap<>(Map.of("bootstrap.servers", infra.kafkaBootstrapServers()));
    if (transactionalId != null) {
      c.put("transactional.id", transactionalId + "-" + System.nanoTime());
    }
    return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(Infrastructure infra) {
    return new KafkaConsumer<>(
        Map.of(
            "bootstrap.servers",
            infra.kafkaBootstrapServers(),
            "isolation.level",
            "read_committed"),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
