package org.tugai.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;
import org.tugai.api.ApiConfig;
import org.tugai.api.ApiService;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.Settings;
import org.tugai.ingest.sink.CopyRows;
import org.tugai.ingest.tables.FixTable;
import org.tugai.schemas.FixFlags;

/**
 * The time to serve one animal's year of 15-minute fixes as GeoJSON (about 35,000 points) from a
 * store holding 100 such animals (about 3.5 million fixes), measured at the client over HTTP until
 * the last byte.
 */
public final class TrackBenchmark {

  private static final int FIXES_PER_YEAR = 365 * 96;

  public static void main(String[] args) throws Exception {
    int animals = CrossingBenchmark.intArg(args, "--animals", 100);
    int requests = CrossingBenchmark.intArg(args, "--requests", 30);
    Path root = Path.of(System.getProperty("tugai.root", ".")).toAbsolutePath();
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    System.out.printf(
        Locale.ROOT,
        "Tugai track benchmark: %d animals x %,d fixes; starting Kafka and PostgreSQL...%n",
        animals,
        FIXES_PER_YEAR);
    try (Brokers brokers = new Brokers(root);
        BenchDatabase db = new BenchDatabase("tugai_bench_track")) {
      Settings settings =
          Settings.of(
              Map.of(
                  "kafka.bootstrap-servers",
                  brokers.kafka(),
                  "kafka.topic-prefix",
                  "bench-track.",
                  "db.url",
                  db.url,
                  "db.user",
                  db.user,
                  "db.password",
                  db.password,
                  "http.port",
                  "0"));
      try (ApiService api =
          new ApiService(
              ApiConfig.from(settings), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
        api.start();
        load(db, animals, start);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.url);
        ds.setUser(db.user);
        ds.setPassword(db.password);
        String token = new ApiTokens(ds).create("bench", Role.ADMIN, List.of(), null).token();
        HttpClient http = HttpClient.newHttpClient();
        List<Double> millis = new ArrayList<>();
        long bytes = 0;
        for (int i = -5; i < requests; i++) {
          String animal = "deer-" + Math.floorMod(i * 37, animals);
          URI uri =
              URI.create(
                  "http://127.0.0.1:"
                      + api.port()
                      + "/api/v1/animals/"
                      + animal
                      + "/track?from=2025-01-01&to=2026-01-01");
          long t0 = System.nanoTime();
          HttpResponse<byte[]> r =
              http.send(
                  HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          double ms = (System.nanoTime() - t0) / 1e6;
          if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
          }
          if (i >= 0) {
            millis.add(ms);
            bytes = r.body().length;
          }
        }
        Collections.sort(millis);
        System.out.printf(
            Locale.ROOT,
            "%nRESULT one animal's year as GeoJSON (%,d fixes, %,d bytes) over %d requests: median %.0f ms, p90 %.0f ms,"
                + " max %.0f ms (goal: median < 200 ms)%n",
            FIXES_PER_YEAR,
            bytes,
            millis.size(),
            millis.get(millis.size() / 2),
            millis.get((int) (millis.size() * 0.9)),
            millis.get(millis.size() - 1));
      }
    }
  }

  private static void load(BenchDatabase db, int animals, Instant start) throws Exception {
    long t0 = System.nanoTime();
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      for (int a = 0; a < animals; a++) {
        c.createStatement()
            .execute(
                "INSERT INTO deployments (deployment_id, device_id, device_type, animal_id, species, deploy_on) VALUES"
                    + " ('dep-"
                    + a
                    + "', 'BENCH-"
                    + a
                    + "', 'collar', 'deer-"
                    + a
                    + "', 'Cervus elaphus bactrianus', '2024-12-01T00:00:00Z')");
        CopyRows rows = CopyRows.into(c, "fixes", FixTable.columns());
        double lat = 37.0 + a * 0.01;
        double lon = 68.0;
        for (int i = 0; i < FIXES_PER_YEAR; i++) {
          lat += Math.sin(i * 0.01 + a) * 1e-4;
          lon += Math.cos(i * 0.013 + a) * 1e-4;
          Instant t = start.plusSeconds(900L * i);
          FixTable.append(
              rows,
              Fix.newBuilder()
                  .setCollarId("BENCH-" + a)
                  .setFixTime(t)
                  .setLat(lat)
                  .setLon(lon)
                  .setHdop(1.1)
                  .setSatellites(8)
                  .setFixType(FixType.THREE_D)
                  .setBatteryV(3.7)
                  .setReceivedAt(t)
                  .setSource("bench")
                  .setAnimalId("deer-" + a)
                  .setDeploymentId("dep-" + a)
                  .setCountry("TJK")
                  .setZones(List.of())
                  .setQualityFlags(i % 500 == 0 ? List.of(FixFlags.OUTLIER) : List.of())
                  .build());
        }
        rows.finish();
        c.commit();
        if (a % 10 == 9) {
          System.out.printf(
              Locale.ROOT,
              "  loaded %d / %d animals (%,d fixes)%n",
              a + 1,
              animals,
              (long) (a + 1) * FIXES_PER_YEAR);
        }
      }
      c.setAutoCommit(true);
      c.createStatement().execute("VACUUM ANALYZE fixes");
    }
    System.out.printf(
        Locale.ROOT,
        "store: %,d fixes loaded in %.1f s%n",
        (long) animals * FIXES_PER_YEAR,
        (System.nanoTime() - t0) / 1e9);
  }
}
