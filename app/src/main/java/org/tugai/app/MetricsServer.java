package org.tugai.app;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.service.HealthReport;
import org.tugai.core.service.TugaiService;

/**
 * {@code /metrics} (Prometheus) and {@code /health} for a process that runs services without the
 * API, such as {@code bin/tugai gateway}; where the API runs, it serves {@code /metrics} itself.
 */
final class MetricsServer implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final String host;
  private final int port;
  private final PrometheusMeterRegistry registry;
  private Javalin app;

  private final Supplier<HealthReport> health;

  MetricsServer(
      String host, int port, PrometheusMeterRegistry registry, Supplier<HealthReport> health) {
    this.host = host;
    this.port = port;
    this.registry = registry;
    this.health = health;
  }

  @Override
  public String name() {
    return "metrics";
  }

  @Override
  public void start() {
    app =
        Javalin.create(c -> c.showJavalinBanner = false)
            .get(
                "/metrics",
                ctx ->
                    ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()))
            .get(
                "/health",
                ctx -> {
                  HealthReport now = health.get();
                  ctx.status(now.healthy() ? 200 : 503)
                      .json(java.util.Map.of("status", now.status(), "problems", now.all()));
                })
            .start(host, port);
    log.info("metrics started on http://{}:{}/metrics", host, port());
  }

  int port() {
    return app.port();
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
  }
}
