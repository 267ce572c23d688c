package org.tugai.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Crossing;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Fix;
import org.tugai.core.kafka.Offsets;
import org.tugai.core.kafka.ConsumerThreads;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.service.TugaiService;
import org.tugai.ingest.errors.SqlErrors;
import org.tugai.ingest.store.CrossingRows;
import org.tugai.ingest.store.DeadLetterRows;
import org.tugai.ingest.store.FixRows;
import org.tugai.ingest.store.Store;
import org.tugai.schemas.Topics;

/**
 * Kafka to the store. Each poll is written in one database transaction and its offsets are committed only
 * after the database committed, so a crash anywhere replays into idempotent upserts and nothing is lost.
 */
public final class IngestService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(IngestService.class);
  private static final long PROGRESS_EVERY_MS = 30_000;

  private final IngestConfig config;
  private final MeterRegistry registry;
  private Topics topics;
  private Store store;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> deadLetterProducer;
  private Thread thread;
  private volatile boolean running;
  private long fixesStored;
  private long deadLettersStored;
  private long lastProgress = System.currentTimeMillis();

  public IngestService(IngestConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public void start() {
    topics = config.kafka().topics();
    TopicAdmin.ensure(config.kafka(), List.of(topics.fixesEnriched(), topics.crossings(), topics.deadLetters(), topics.schemas()));
    store = Store.open(config.db(), "tugai-ingest");
    store.migrate();

    Map<String, Object> c = config.kafka().clientConfig();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().topicPrefix() + config.groupId());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchSize());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topics.fixesEnriched().name(), topics.crossings().name(), topics.deadLetters().name()));

    Map<String, Object> p = config.kafka().clientConfig();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    deadLetterProducer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());

    running = true;
    thread = new Thread(this::run, "ingest-sink");
    thread.start();
    log.info("ingest started: {} + {} + {} -> {} (group {})", topics.fixesEnriched().name(), topics.crossings().name(), topics.deadLetters().name(),
        config.db(), config.kafka().topicPrefix() + config.groupId());
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          Batch batch = decode(records);
          writeUntilDone(batch);
          consumer.commitSync(Offsets.after(records));
          fixesStored += batch.fixes.size();
          registry.counter("tugai.ingest.rows", "table", "crossings").increment(batch.crossings.size());
          deadLettersStored += batch.deadLetters.size();
          registry.counter("tugai.ingest.rows", "table", "fixes").increment(batch.fixes.size());
          registry.counter("tugai.ingest.rows", "table", "dead_letters").increment(batch.deadLetters.size());
        }
        logProgress();
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("ingest stopped on an unexpected error; uncommitted records will be replayed on restart", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** One poll, decoded. Fixes keep the last version per natural key: one INSERT cannot touch a row twice. */
  private static final class Batch {
    final Map<String, Fix> fixes = new LinkedHashMap<>();
    /** Highest revision per crossing id in this poll. */
    final Map<String, Crossing> crossings = new LinkedHashMap<>();
    final List<DeadLetterRows.Row> deadLetters = new ArrayList<>();
  }

  private Batch decode(ConsumerRecords<String, byte[]> records) throws InterruptedException {
    Batch batch = new Batch();
    for (ConsumerRecord<String, byte[]> r : records) {
      if (r.topic().equals(topics.deadLetters().name())) {
        DeadLetter letter;
        try {
          letter = topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
          // Never dead-letter a dead letter (it would loop): keep its raw bytes here with the reason.
          letter = undecodable(r, e, "ingest");
        }
        if (letter != null) {
          batch.deadLetters.add(new DeadLetterRows.Row(r.partition(), r.offset(), letter));
        }
      } else if (r.topic().equals(topics.crossings().name())) {
        try {
          Crossing c = topics.crossings().valueSerde().deserializer().deserialize(r.topic(), r.value());
          if (c != null) {
            batch.crossings.merge(c.getCrossingId(), c, (a, b) -> b.getRevision() >= a.getRevision() ? b : a);
          }
        } catch (SerializationException e) {
          sendDeadLetter(r.key(), undecodable(r, e, "ingest"));
        }
      } else {
        try {
          Fix fix = topics.fixesEnriched().valueSerde().deserializer().deserialize(r.topic(), r.value());
          if (fix != null) {
            batch.fixes.put(fix.getCollarId() + "@" + fix.getFixTime().toEpochMilli(), fix);
          }
        } catch (SerializationException e) {
          sendDeadLetter(r.key(), undecodable(r, e, "ingest"));
        }
      }
    }
    return batch;
  }

  private static DeadLetter undecodable(ConsumerRecord<String, byte[]> r, Exception e, String component) {
    byte[] raw = r.value() == null ? new byte[0] : r.value();
    return DeadLetter.newBuilder().setPayload(ByteBuffer.wrap(raw)).setPayloadSize(raw.length)
        .setSource("kafka:" + r.topic() + "/" + r.partition() + "/" + r.offset()).setComponent(component)
        .setReasonCode("undecodable").setReason(String.valueOf(e.getMessage())).setDeviceId(r.key()).setOccurredAt(Instant.now()).build();
  }

  private void sendDeadLetter(String key, DeadLetter letter) throws InterruptedException {
    log.warn("dead-lettering {}: {}", letter.getSource(), letter.getReason());
    registry.counter("tugai.ingest.deadletters", "reason", letter.getReasonCode()).increment();
    try {
      deadLetterProducer.send(new ProducerRecord<>(topics.deadLetters().name(), key,
          topics.deadLetters().valueSerde().serializer().serialize(topics.deadLetters().name(), letter))).get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Not committing is the safe answer: the record is read again after a restart.
      throw new IllegalStateException("cannot write a dead letter to Kafka: " + e, e);
    }
  }

  /** Writes the batch, waiting out database outages; poison rows are isolated and dead-lettered. */
  private void writeUntilDone(Batch batch) throws InterruptedException {
    long backoff = 200;
    boolean paused = false;
    while (true) {
      try {
        write(batch.fixes.values(), batch.crossings.values(), batch.deadLetters);
        if (paused) {
          consumer.resume(consumer.assignment());
          log.info("store is back: writing resumed");
        }
        return;
      } catch (SQLException e) {
        if (!SqlErrors.isRetriable(e)) {
          log.warn("store rejected a batch ({}): writing its rows one by one to isolate the bad ones", e.getMessage());
          writeOneByOne(batch);
          return;
        }
        if (!paused) {
          // Keep the group membership alive while waiting, without fetching more.
          consumer.pause(consumer.assignment());
          paused = true;
        }
        log.warn("store unavailable ({}); retrying in {} ms, offsets stay uncommitted", e.getMessage(), backoff);
        registry.counter("tugai.ingest.retries").increment();
        Thread.sleep(backoff);
        consumer.poll(Duration.ZERO);
        backoff = Math.min(backoff * 2, config.maxBackoff().toMillis());
        if (!running) {
          throw new InterruptedException("stopping while the store is away");
        }
      }
    }
  }

  private void write(java.util.Collection<Fix> fixes, java.util.Collection<Crossing> crossings, List<DeadLetterRows.Row> deadLetters)
      throws SQLException {
    try (Connection c = store.dataSource().getConnection()) {
      try {
        if (!fixes.isEmpty()) {
          FixRows.upsert(c, fixes);
        }
        if (!crossings.isEmpty()) {
          CrossingRows.upsert(c, crossings);
        }
        if (!deadLetters.isEmpty()) {
          DeadLetterRows.insert(c, deadLetters);
        }
        c.commit();
      } catch (SQLException e) {
        rollbackQuietly(c);
        throw e;
      }
    }
  }

  private void writeOneByOne(Batch batch) throws InterruptedException {
    for (Fix fix : batch.fixes.values()) {
      try {
        write(List.of(fix), List.of(), List.of());
      } catch (SQLException e) {
        if (SqlErrors.isRetriable(e)) {
          writeUntilDone(single(fix));
        } else {
          byte[] raw = topics.fixesEnriched().valueSerde().serializer().serialize(topics.fixesEnriched().name(), fix);
          sendDeadLetter(fix.getCollarId(), DeadLetter.newBuilder().setPayload(ByteBuffer.wrap(raw)).setPayloadSize(raw.length)
              .setSource("kafka:" + topics.fixesEnriched().name()).setComponent("ingest").setReasonCode("store-rejected")
              .setReason(e.getMessage()).setDeviceId(fix.getCollarId()).setOccurredAt(Instant.now()).build());
        }
      }
    }
    for (Crossing crossing : batch.crossings.values()) {
      try {
        write(List.of(), List.of(crossing), List.of());
      } catch (SQLException e) {
        log.error("crossing {} cannot be stored ({}); it stays in the crossings topic", crossing.getCrossingId(), e.getMessage());
      }
    }
    for (DeadLetterRows.Row row : batch.deadLetters) {
      try {
        write(List.of(), List.of(), List.of(row));
      } catch (SQLException e) {
        log.error("dead letter at {}/{} cannot be stored ({}); it stays in the dead-letter topic", row.partition(), row.offset(), e.getMessage());
      }
    }
  }

  private static Batch single(Fix fix) {
    Batch b = new Batch();
    b.fixes.put("one", fix);
    return b;
  }


  private void logProgress() {
    long now = System.currentTimeMillis();
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      log.info("ingest progress: {} fixes and {} dead letters stored since start", fixesStored, deadLettersStored);
    }
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
    if (deadLetterProducer != null) {
      deadLetterProducer.close(Duration.ofSeconds(5));
    }
    if (store != null) {
      store.close();
    }
    log.info("ingest stopped ({} fixes, {} dead letters stored)", fixesStored, deadLettersStored);
  }
}
