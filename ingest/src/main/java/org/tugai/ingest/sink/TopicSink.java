package org.tugai.ingest.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.failure.Failure;
import org.tugai.core.failure.KafkaFailures;
import org.tugai.core.failure.SqlFailures;
import org.tugai.core.kafka.ConsumerThreads;
import org.tugai.core.kafka.Offsets;
import org.tugai.core.service.ServiceFailure;
import org.tugai.ingest.IngestConfig;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.TopicSpec;

/**
 * One topic into one table. Each poll is one database transaction and its offsets are committed
 * only after the database committed, so a crash anywhere replays into idempotent upserts and
 * nothing is lost or doubled. While the database is away the consumer pauses (staying in its group)
 * and the batch is retried with backoff; a batch the database rejects is written row by row, and
 * the rows it still rejects become dead letters. A systemic failure (a missing table, a revoked
 * privilege: {@link SqlFailures}) stops the sink with nothing committed and nothing dead-lettered,
 * and fails the service: no record is a bad row because the table is gone.
 */
public final class TopicSink<V> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopicSink.class);

  private final TopicSpec<String, V> topic;
  private final Table<V> table;
  private final IngestConfig config;
  private final DataSource dataSource;
  private final DeadLetterPublisher deadLetters;
  private final boolean isDeadLetterTopic;
  private final Counter rowsCounter;
  private final Counter retries;
  private final AtomicLong rows = new AtomicLong();
  private final String threadName;
  private final ServiceFailure failure;
  private KafkaConsumer<String, byte[]> consumer;
  private Thread thread;
  private volatile boolean running;

  public TopicSink(
      TopicSpec<String, V> topic,
      Table<V> table,
      IngestConfig config,
      DataSource dataSource,
      DeadLetterPublisher deadLetters,
      boolean isDeadLetterTopic,
      MeterRegistry registry,
      String threadName,
      ServiceFailure failure) {
    this.failure = failure;
    this.topic = topic;
    this.table = table;
    this.config = config;
    this.dataSource = dataSource;
    this.deadLetters = deadLetters;
    this.isDeadLetterTopic = isDeadLetterTopic;
    this.rowsCounter =
        io.micrometer.core.instrument.Counter.builder("tugai.ingest.rows")
            .description("Rows written to the store, by table")
            .tag("table", table.name())
            .register(registry);
    this.retries =
        io.micrometer.core.instrument.Counter.builder("tugai.ingest.retries")
            .description("Batches written again after a retriable store failure, by table")
            .tag("table", table.name())
            .register(registry);
    this.threadName = threadName;
  }

  public void start() {
    Map<String, Object> c = config.kafka().consumerConfig();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().topicPrefix() + config.groupId());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, threadName);
    // Static membership: a restarted ingest gets its partitions back at once, not after the session
    // timeout.
    c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId() + "-" + threadName);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchSize());
    // A big poll is what makes COPY pay; let one fetch carry it.
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic.name()));
    running = true;
    thread = failure.thread(threadName, this::run, () -> !running);
    thread.start();
  }

  /** Rows written since start. */
  public long rows() {
    return rows.get();
  }

  public String tableName() {
    return table.name();
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          List<SinkRecord<V>> batch = decode(records);
          if (!batch.isEmpty()) {
            writeUntilDone(batch);
            rows.addAndGet(batch.size());
            rowsCounter.increment(batch.size());
          }
          commit(records);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error(
            "{} sink woken up unexpectedly; uncommitted records will be replayed on restart",
            table.name(),
            e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Systemic e) {
      failure.fail(
          table.name()
              + ": the store refuses every write ("
              + e.getMessage()
              + "); nothing was committed or dead-lettered,"
              + " fix the database and restart");
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** A failure no retry and no dead letter can help: the sink stops. */
  private static final class Systemic extends RuntimeException {
    Systemic(SQLException e) {
      super(firstLine(e) + " (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }

  /**
   * Commits past {@code records}, already in the store. A commit Kafka could not take (the
   * coordinator moving, a rebalance) only means the batch is read again after a restart, into
   * idempotent upserts: warn and go on.
   */
  private void commit(ConsumerRecords<String, byte[]> records) {
    try {
      consumer.commitSync(Offsets.after(records));
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      if (KafkaFailures.classify(e) != Failure.RETRIABLE) {
        throw e;
      }
      log.warn(
          "{}: offsets not committed ({}); the records are stored, and are read again only after a restart",
          table.name(),
          e.toString());
    }
  }

  /** Decodes one poll; keeps one record per natural key (one INSERT cannot touch a row twice). */
  private List<SinkRecord<V>> decode(ConsumerRecords<String, byte[]> records)
      throws InterruptedException {
    Map<Object, SinkRecord<V>> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      V value;
      try {
        value =
            r.value() == null
                ? null
                : topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
      } catch (SerializationException e) {
        if (isDeadLetterTopic) {
          // Never dead-letter a dead letter (it would loop): keep its raw bytes in the table with
          // the reason.
          value = table.substituteFor(r, e);
        } else {
          deadLetters.publish(r, ReasonCodes.UNDECODABLE, String.valueOf(e.getMessage()));
          continue;
        }
      }
      if (value == null && !table.acceptsTombstones()) {
        continue;
      }
      SinkRecord<V> record =
          new SinkRecord<>(
              r.key(), value, r.value(), r.topic(), r.partition(), r.offset(), r.timestamp());
      byKey.merge(table.naturalKey(record), record, table::pick);
    }
    return new ArrayList<>(byKey.values());
  }

  /** Writes the batch, waiting out database outages; poison rows are isolated and dead-lettered. */
  private void writeUntilDone(List<SinkRecord<V>> batch) throws InterruptedException {
    long backoff = 200;
    boolean paused = false;
    while (true) {
      try {
        write(batch);
        if (paused) {
          consumer.resume(consumer.assignment());
          log.info("{}: the store is back, writing resumed", table.name());
        }
        return;
      } catch (SQLException e) {
        Failure kind = SqlFailures.classify(e);
        if (kind == Failure.SYSTEMIC) {
          throw new Systemic(e);
        }
        if (kind == Failure.POISON) {
          log.warn(
              "{}: the store rejected a batch of {} ({}); writing it row by row to find the bad rows",
              table.name(),
              batch.size(),
              firstLine(e));
          writeOneByOne(batch);
          if (paused) {
            consumer.resume(consumer.assignment());
          }
          return;
        }
        if (!paused) {
          // Keep the group membership alive while waiting, without fetching more.
          consumer.pause(consumer.assignment());
          paused = true;
        }
        log.warn(
            "{}: store unavailable ({}); retrying in {} ms, offsets stay uncommitted",
            table.name(),
            firstLine(e),
            backoff);
        retries.increment();
        Thread.sleep(backoff);
        pollWhilePaused();
        backoff = Math.min(backoff * 2, config.maxBackoff().toMillis());
        if (!running) {
          throw new InterruptedException("stopping while the store is away");
        }
      }
    }
  }

  /**
   * Polls to stay in the group while the batch waits. A rebalance meanwhile resumes the partitions
   * it hands back, so this poll can return records: they are not in the batch, so the consumer is
   * rewound to the first of them (else the next commit would pass over records never written) and
   * everything is paused again.
   */
  private void pollWhilePaused() {
    ConsumerRecords<String, byte[]> fetched = consumer.poll(Duration.ZERO);
    for (TopicPartition tp : fetched.partitions()) {
      consumer.seek(tp, fetched.records(tp).get(0).offset());
    }
    consumer.pause(consumer.assignment());
  }

  private void write(List<SinkRecord<V>> batch) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try {
        table.write(c, batch);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    }
  }

  private void writeOneByOne(List<SinkRecord<V>> batch) throws InterruptedException {
    for (SinkRecord<V> record : batch) {
      try {
        write(List.of(record));
      } catch (SQLException e) {
        Failure kind = SqlFailures.classify(e);
        if (kind == Failure.SYSTEMIC) {
          throw new Systemic(e);
        }
        if (kind == Failure.RETRIABLE) {
          writeUntilDone(List.of(record));
        } else if (isDeadLetterTopic) {
          log.error(
              "dead letter at {}/{} cannot be stored ({}); it stays in the dead-letter topic",
              record.partition(),
              record.offset(),
              firstLine(e));
        } else {
          deadLetters.publish(record, ReasonCodes.STORE_REJECTED, firstLine(e));
        }
      }
    }
  }

  static String firstLine(SQLException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is probably gone; the pool discards it.
    }
  }

  @Override
  public void close() {
    running = false;
    ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(15));
  }
}
