package org.tugai.app;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.api.ApiConfig;
import org.tugai.api.ApiService;
import org.tugai.core.config.Settings;
import org.tugai.core.service.HealthReport;
import org.tugai.core.service.TugaiService;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.ingest.IngestConfig;
import org.tugai.ingest.IngestService;
import org.tugai.streams.StreamsService;
import org.tugai.streams.StreamsServiceConfig;

/**
 * Builds the chosen services from one set of settings (validating all of it first), starts and
 * stops them.
 */
public final class Services implements AutoCloseable {

  /** Start order: the store's schema first, the device-facing gateway last. */
  public static final List<String> ALL = List.of("ingest", "streams", "gateway", "api");

  private static final Logger log = LoggerFactory.getLogger(Services.class);

  private final List<TugaiService> services;
  private final List<TugaiService> started = new ArrayList<>();
  private final PrometheusMeterRegistry registry;

  private final boolean exitOnFailure;

  /** Listens to the JVM's GC notifications until closed. */
  private final JvmGcMetrics jvmGc = new JvmGcMetrics();

  private Services(
      List<TugaiService> services, PrometheusMeterRegistry registry, boolean exitOnFailure) {
    this.services = services;
    this.registry = registry;
    this.exitOnFailure = exitOnFailure;
  }

  /**
   * {@code process.exit-on-failure} (default true): a failed service ends the process, for its
   * supervisor to restart.
   */
  public boolean exitOnFailure() {
    return exitOnFailure;
  }

  /** The health of every service this process runs. */
  public HealthReport health() {
    return HealthReport.of(services);
  }

  /**
   * Validates every setting the chosen services read, and rejects unknown keys; throws
   * ConfigException.
   */
  public static Services configure(Settings settings, Set<String> names) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    List<TugaiService> services = new ArrayList<>();
    for (String name : ALL) {
      if (!names.contains(name)) {
        continue;
      }
      services.add(
          switch (name) {
            case "ingest" -> new IngestService(IngestConfig.from(settings), registry);
            case "streams" -> new StreamsService(StreamsServiceConfig.from(settings));
            case "gateway" ->
                new GatewayService(GatewayConfig.from(settings), registry, Clock.systemUTC());
            case "api" -> new ApiService(ApiConfig.from(settings), registry);
            default -> throw new IllegalArgumentException(name);
          });
    }
    // One config file serves every process of a deployment: the keys of services this process does
    // not run are known (read here), and checked when their own process starts.
    for (String name : ALL) {
      if (!names.contains(name)) {
        try {
          switch (name) {
            case "ingest" -> IngestConfig.from(settings);
            case "streams" -> StreamsServiceConfig.from(settings);
            case "gateway" -> GatewayConfig.from(settings);
            default -> ApiConfig.from(settings);
          }
        } catch (org.tugai.core.config.ConfigException notOurs) {
          // That service's problem, reported when it runs.
        }
      }
    }
    // Without the API, a process serves its metrics only if asked to (metrics.port), to avoid port
    // clashes.
    int metricsPort = settings.integer("metrics.port", -1, -1, 65_535);
    String metricsHost = settings.string("metrics.host", "127.0.0.1");
    Supplier<HealthReport> health = () -> HealthReport.of(services);
    if (metricsPort >= 0 && !names.contains("api")) {
      services.add(new MetricsServer(metricsHost, metricsPort, registry, health));
    }
    services.stream()
        .filter(ApiService.class::isInstance)
        .map(ApiService.class::cast)
        .forEach(api -> api.reportHealthOf(health));
    boolean exitOnFailure = settings.bool("process.exit-on-failure", true);
    settings.checkAllKeysKnown();
    return new Services(services, registry, exitOnFailure);
  }

  public void start() throws Exception {
    // The JVM's and the process's own health next to Tugai's: heap, GC pauses, threads, CPU, open
    // files, uptime. Two of Micrometer's names break Prometheus' conventions (promtool check
    // metrics): process_cpu_time_ns_total names its unit abbreviated (process_cpu_usage says it
    // already), system_cpu_count is a gauge named like a count.
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.cores")
                    : id;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    jvmGc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    for (TugaiService service : services) {
      service.start();
      started.add(service);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  <T extends TugaiService> T get(Class<T> type) {
    return services.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (RuntimeException e) {
        log.warn("{} did not stop cleanly: {}", started.get(i).name(), e.toString());
      }
    }
    started.clear();
    jvmGc.close();
  }
}
