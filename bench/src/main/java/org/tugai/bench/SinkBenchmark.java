package org.tugai.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.store.Store;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.ingest.sink.CopyRows;
import org.tugai.ingest.tables.FixTable;
import org.tugai.schemas.Topics;

/**
 * Rows per second the sink stores (Kafka poll, Avro decode, COPY into staging, upsert into {@code
 * fixes}, commit, offset commit) next to one raw {@code COPY} of the same rows into the same, empty
 * table in the same run.
 */
public final class SinkBenchmark {

  public static void main(String[] args) throws Exception {
    int n = CrossingBenchmark.intArg(args, "--fixes", 500_000);
    Path root = Path.of(System.getProperty("tugai.root", ".")).toAbsolutePath();
    System.out.printf(
        Locale.ROOT,
        "Tugai sink benchmark: %,d fixes; starting a Kafka broker process and PostgreSQL...%n",
        n);
    List<Fix> fixes = fixes(n);
    try (Brokers brokers = new Brokers(root);
        BenchDatabase db = new BenchDatabase("tugai_bench_sink")) {
      String prefix = "bench-sink.";
      Settings settings =
          Settings.of(
              Map.of(
                  "kafka.bootstrap-servers",
                  brokers.kafka(),
                  "kafka.topic-prefix",
                  prefix,
                  "kafka.partitions",
                  "4",
                  "db.url",
                  db.url,
                  "db.user",
                  db.user,
                  "db.password",
                  db.password));
      KafkaSettings kafka = KafkaSettings.from(settings);
      Topics topics = kafka.topics();
      TopicAdmin.ensure(kafka, List.of(topics.fixesEnriched()));
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", brokers.kafka(), "linger.ms", 20, "batch.size", 262_144),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (Fix f : fixes) {
          producer.send(
              new ProducerRecord<>(
                  topics.fixesEnriched().name(),
                  f.getCollarId(),
                  topics.fixesEnriched().valueSerde().serializer().serialize("t", f)));
        }
        producer.flush();
      }
      System.out.printf(Locale.ROOT, "%,d fixes in Kafka (4 partitions)%n", n);

      try (Store store = Store.open(DbSettings.from(settings), "bench", 1, false)) {
        store.migrate();
      }
      double copyRate = rawCopy(db, fixes);
      try (Connection c = db.connect()) {
        c.createStatement().execute("TRUNCATE fixes");
        c.createStatement().execute("CHECKPOINT");
      }

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      long t0 = System.nanoTime();
      double sinkRate;
      try (IngestService ingest = new IngestService(IngestConfig.from(settings), registry)) {
        ingest.start();
        long firstRow = 0;
        long lastReport = System.nanoTime();
        while (ingest.counts().getOrDefault("fixes", 0L) < n) {
          long stored = ingest.counts().getOrDefault("fixes", 0L);
          if (firstRow == 0 && stored > 0) {
            firstRow = System.nanoTime();
          }
          if (System.nanoTime() - lastReport > 2_000_000_000L) {
            System.out.printf(Locale.ROOT, "  sink: %,d / %,d stored%n", stored, n);
            lastReport = System.nanoTime();
          }
          TimeUnit.MILLISECONDS.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sinkRate = n / seconds;
        System.out.printf(
            Locale.ROOT,
            "sink: %,d rows in %.2f s (including consumer start and group join %.2f s) = %,.0f rows/s%n",
            n,
            seconds,
            (firstRow - t0) / 1e9,
            sinkRate);
      }
      try (Connection c = db.connect();
          ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM fixes")) {
        rs.next();
        if (rs.getLong(1) != n) {
          throw new IllegalStateException("expected " + n + " rows, found " + rs.getLong(1));
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%nRESULT sink %,.0f rows/s, raw COPY %,.0f rows/s: ratio %.2f (goal >= 0.70)%n",
          sinkRate,
          copyRate,
          sinkRate / copyRate);
    }
  }

  /**
   * One COPY of every row straight into {@code fixes}: the best the database can do for these rows.
   */
  static double rawCopy(BenchDatabase db, List<Fix> fixes) throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      CopyRows rows = CopyRows.into(c, "fixes", FixTable.columns());
      for (Fix f : fixes) {
        FixTable.append(rows, f);
      }
      rows.finish();
      c.commit();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double rate = fixes.size() / seconds;
      System.out.printf(
          Locale.ROOT,
          "raw COPY: %,d rows in %.2f s = %,.0f rows/s%n",
          fixes.size(),
          seconds,
          rate);
      return rate;
    }
  }

  static List<Fix> fixes(int n) {
    List<Fix> fixes = new ArrayList<>(n);
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      int collar = i % 100;
      fixes.add(
          Fix.newBuilder()
              .setCollarId("BENCH-" + collar)
              .setFixTime(t0.plusSeconds(900L * (i / 100)))
              .setLat(37.1 + collar * 0.01)
              .setLon(68.1 + (i % 977) * 1e-4)
              .setHdop(1.1)
              .setSatellites(8)
              .setFixType(FixType.THREE_D)
              .setBatteryV(3.7)
              .setTemperatureC(21.5)
              .setReceivedAt(t0.plusSeconds(900L * (i / 100) + 30))
              .setSource("bench")
              .setAnimalId("deer-" + collar)
              .setDeploymentId("dep-" + collar)
              .setCountry("TJK")
              .setZones(List.of("pa-zarafshon-tj"))
              .setQualityFlags(List.of())
              .build());
    }
    return fixes;
  }
}
