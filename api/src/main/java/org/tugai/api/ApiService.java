package org.tugai.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.service.TugaiService;

/** The HTTP API. This first version serves {@code /health} and {@code /metrics}; the data endpoints follow. */
public final class ApiService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(ApiService.class);

  private final ApiConfig config;
  private final PrometheusMeterRegistry registry;
  private HikariDataSource dataSource;
  private Javalin app;

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

    app = Javalin.create(c -> c.showJavalinBanner = false)
        .get("/health", this::health)
        .get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()))
        .start(config.http().host(), config.http().port());
    log.info("api started on http://{}:{} (/health, /metrics)", config.http().host(), port());
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
    if (dataSource != null) {
      dataSource.close();
    }
    log.info("api stopped");
  }
}
