package org.tugai.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.api.alerts.AckEndpoint;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.service.TugaiService;
import org.tugai.schemas.Topics;

/** The HTTP API: {@code /health}, {@code /metrics}, and acknowledging alerts; the data endpoints follow. */
public final class ApiService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(ApiService.class);

  private final ApiConfig config;
  private final PrometheusMeterRegistry registry;
  private HikariDataSource dataSource;
  private Javalin app;
  private KafkaProducer<String, byte[]> producer;

  public ApiService(ApiConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "api";
  }

  @Override
  public void start() {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(config.db().url());
    pool.setUsername(config.db().user());
    pool.setPassword(config.db().password());
    pool.setMaximumPoolSize(config.db().poolSize());
    pool.setPoolName("tugai-api");
    pool.setInitializationFailTimeout(-1);
    pool.setConnectionTimeout(2_000);
    pool.setReadOnly(true);
    dataSource = new HikariDataSource(pool);

    Map<String, Object> p = config.kafka().clientConfig();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    Topics topics = config.kafka().topics();
    TopicAdmin.ensure(config.kafka(), List.of(topics.alertAcks()));
    AckEndpoint ack = new AckEndpoint(producer, topics.alertAcks());

    app = Javalin.create(c -> c.showJavalinBanner = false)
        .get("/health", this::health)
        .post("/api/v1/alerts/{id}/ack", ack::handle)
        .get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()))
        .start(config.http().host(), config.http().port());
    log.info("api started on http://{}:{} (/health, /metrics, POST /api/v1/alerts/{id}/ack)", config.http().host(), port());
  }

  public int port() {
    return app.port();
  }

  private void health(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    boolean up;
    try (Connection c = dataSource.getConnection()) {
      up = c.isValid(2);
    } catch (SQLException e) {
      up = false;
    }
    body.put("status", up ? "UP" : "DOWN");
    body.put("database", up ? "UP" : "DOWN");
    ctx.status(up ? 200 : 503).json(body);
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(5));
    }
    if (dataSource != null) {
      dataSource.close();
    }
    log.info("api stopped");
  }
}
