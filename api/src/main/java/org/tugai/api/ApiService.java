package org.tugai.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.security.RouteRole;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.api.alerts.AckEndpoint;
import org.tugai.api.alerts.AlertFeed;
import org.tugai.api.alerts.AlertStream;
import org.tugai.api.auth.AccessControl;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Caller;
import org.tugai.api.auth.Role;
import org.tugai.api.export.CamtrapDpExport;
import org.tugai.api.http.JettyProblems;
import org.tugai.api.http.Problems;
import org.tugai.api.http.RequestChecks;
import org.tugai.api.layers.LayersEndpoint;
import org.tugai.api.query.AnimalsEndpoint;
import org.tugai.api.query.CamerasEndpoint;
import org.tugai.api.query.ListEndpoints;
import org.tugai.api.query.Params;
import org.tugai.api.query.TrackEndpoint;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.core.service.HealthReport;
import org.tugai.core.service.TugaiService;
import org.tugai.core.store.Store;
import org.tugai.schemas.Topics;

/**
 * The HTTP API for scientists, rangers and operators; {@link #ROUTES} is what {@code
 * /api/v1/openapi.json} describes.
 */
public final class ApiService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(ApiService.class);

  /**
   * One route: method, path (Javalin syntax), the roles it admits (none: public), the query
   * parameters it takes, and its handler among the endpoints made at start.
   */
  public record Route(
      HandlerType method,
      String path,
      List<Role> roles,
      Set<String> params,
      Function<Endpoints, Handler> handler) {
    Route(
        HandlerType method,
        String path,
        List<Role> roles,
        Function<Endpoints, Handler> handler,
        String... params) {
      this(method, path, roles, Set.of(params), handler);
    }
  }

  /** The handlers behind the routes, made when the service starts. */
  record Endpoints(
      Handler health,
      Handler metrics,
      Handler openApi,
      LayersEndpoint layers,
      AnimalsEndpoint animals,
      CamerasEndpoint cameras,
      TrackEndpoint track,
      ListEndpoints lists,
      Handler camtrapExport,
      AlertStream stream,
      AckEndpoint ack) {}

  private static final List<Role> ANYONE = List.of(Role.RANGER, Role.SCIENTIST, Role.ADMIN);
  private static final List<Role> SCIENCE = List.of(Role.SCIENTIST, Role.ADMIN);
  private static final List<Role> FIELD = List.of(Role.RANGER, Role.ADMIN);

  public static final List<Route> ROUTES =
      List.of(
          new Route(HandlerType.GET, "/health", List.of(), Endpoints::health),
          new Route(HandlerType.GET, "/metrics", List.of(), Endpoints::metrics),
          new Route(HandlerType.GET, "/api/v1/openapi.json", List.of(), Endpoints::openApi),
          new Route(HandlerType.GET, "/api/v1/me", ANYONE, e -> ApiService::me),
          new Route(HandlerType.GET, "/api/v1/layers", ANYONE, e -> e.layers()::index),
          new Route(HandlerType.GET, "/api/v1/layers/{name}", ANYONE, e -> e.layers()::layer),
          new Route(HandlerType.GET, "/api/v1/animals", ANYONE, e -> e.animals()::handle),
          new Route(HandlerType.GET, "/api/v1/cameras", ANYONE, e -> e.cameras()::handle),
          new Route(
              HandlerType.GET,
              "/api/v1/animals/{id}/track",
              SCIENCE,
              e -> e.track()::handle,
              "from",
              "to",
              "format"),
          new Route(
              HandlerType.GET,
              "/api/v1/crossings",
              SCIENCE,
              e -> e.lists()::crossings,
              "from",
              "to",
              "country",
              "population",
              "hotspot",
              "status",
              "limit"),
          new Route(
              HandlerType.GET,
              "/api/v1/detections",
              SCIENCE,
              e -> e.lists()::detections,
              "from",
              "to",
              "camera",
              "class",
              "species",
              "limit"),
          new Route(
              HandlerType.GET,
              "/api/v1/export/camtrap-dp",
              SCIENCE,
              Endpoints::camtrapExport,
              "from",
              "to"),
          new Route(
              HandlerType.GET,
              "/api/v1/alerts",
              FIELD,
              e -> e.lists()::alerts,
              "status",
              "zone",
              "type",
              "updatedSince",
              "limit"),
          new Route(HandlerType.GET, "/api/v1/alerts/stream", FIELD, Endpoints::stream),
          new Route(HandlerType.POST, "/api/v1/alerts/{id}/ack", FIELD, e -> e.ack()::handle));

  private final ApiConfig config;
  private final PrometheusMeterRegistry registry;
  private Store store;
  private Javalin app;
  private KafkaProducer<String, byte[]> producer;
  private Admin admin;
  private AlertFeed feed;
  private volatile Supplier<HealthReport> processHealth = () -> HealthReport.of(List.of(this));

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
    // The API may start before the sink; either one brings the schema up to date, before its pool
    // opens.
    Store.migrate(config.db());
    store = Store.open(config.db(), "tugai-api", 4, true);

    Map<String, Object> p = config.kafka().producerConfig();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    admin = Admin.create(config.kafka().clientConfig());
    Topics topics = config.kafka().topics();
    // The live feed reads the alerts topic from its end: it must exist even before streams first
    // starts.
    TopicAdmin.ensure(config.kafka(), List.of(topics.alertAcks(), topics.alerts()));

    ApiTokens apiTokens = new ApiTokens(store.dataSource());
    AccessControl access = new AccessControl(apiTokens);
    AckEndpoint ack = new AckEndpoint(producer, topics.alertAcks(), store.dataSource());
    AnimalsEndpoint animals = new AnimalsEndpoint(store.dataSource(), config.precision());
    TrackEndpoint track =
        new TrackEndpoint(store.dataSource(), config.precision(), config.studyName());
    ListEndpoints lists = new ListEndpoints(store.dataSource(), config.precision());
    CamtrapDpExport camtrap =
        new CamtrapDpExport(
            store.dataSource(), config.camtrapDataLicense(), config.camtrapMediaLicense());
    LayersEndpoint layers =
        new LayersEndpoint(config.countriesFile(), config.zoneFiles(), config.contextFiles());
    CamerasEndpoint cameras = new CamerasEndpoint(store.dataSource());
    feed = new AlertFeed(config.kafka(), topics.alerts(), apiTokens);
    byte[] openApi = openApi();

    Endpoints endpoints =
        new Endpoints(
            this::health,
            ctx ->
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(registry.scrape()),
            ctx -> ctx.contentType("application/json").result(openApi),
            layers,
            animals,
            cameras,
            track,
            lists,
            ctx -> camtrapExport(ctx, camtrap),
            new AlertStream(feed::subscribe),
            ack);

    app =
        Javalin.create(
            c -> {
              c.showJavalinBanner = false;
              // Errors Jetty answers before the API sees the request are problem documents too.
              c.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblems()));
              c.jetty.modifyServletContextHandler(
                  context -> context.setErrorHandler(new JettyProblems()));
              // The dashboard: static files in the jar, Leaflet from its WebJar; no CDN, no tile
              // server, works offline.
              c.staticFiles.add(
                  s -> {
                    s.hostedPath = "/";
                    s.directory = "/org/tugai/api/dashboard";
                    s.location = Location.CLASSPATH;
                  });
              c.staticFiles.enableWebjars();
            });
    Map<String, Set<String>> params = new HashMap<>();
    app.before("/api/*", RequestChecks::dataHeaders);
    app.beforeMatched(access::check);
    app.beforeMatched(
        ctx -> {
          Set<String> known = params.get(ctx.endpointHandlerPath());
          if (known != null) {
            RequestChecks.parameters(ctx, known);
          }
        });
    for (Route r : ROUTES) {
      RouteRole[] roles = r.roles().toArray(RouteRole[]::new);
      Handler handler = r.handler().apply(endpoints);
      app.addHttpHandler(r.method(), r.path(), handler, roles);
      params.put(r.path(), r.params());
      if (r.method() == HandlerType.GET) {
        // HEAD answers what GET would, through the same checks: without a token it is a 401 too.
        // The live feed's HEAD only says what GET would stream.
        Handler head =
            handler instanceof AlertStream ? ctx -> ctx.contentType("text/event-stream") : handler;
        app.addHttpHandler(HandlerType.HEAD, r.path(), head, roles);
      }
    }
    methodNotAllowed();
    Problems.install(app);
    app.start(config.http().host(), config.http().port());
    feed.start();
    log.info(
        "api started on http://{}:{} ({} routes; OpenAPI at /api/v1/openapi.json)",
        config.http().host(),
        port(),
        ROUTES.size());
  }

  /**
   * Methods a route does not have: 405 with the ones it has in {@code Allow}, as RFC 9110 asks, not
   * a 404.
   */
  private void methodNotAllowed() {
    Map<String, Set<HandlerType>> allowed = new LinkedHashMap<>();
    for (Route r : ROUTES) {
      Set<HandlerType> methods = allowed.computeIfAbsent(r.path(), p -> new LinkedHashSet<>());
      methods.add(r.method());
      if (r.method() == HandlerType.GET) {
        methods.add(HandlerType.HEAD);
      }
    }
    allowed.forEach(
        (path, methods) -> {
          String allow = String.join(", ", methods.stream().map(HandlerType::name).toList());
          for (HandlerType other :
              List.of(
                  HandlerType.GET,
                  HandlerType.POST,
                  HandlerType.PUT,
                  HandlerType.PATCH,
                  HandlerType.DELETE)) {
            if (!methods.contains(other)) {
              app.addHttpHandler(
                  other,
                  path,
                  ctx -> {
                    ctx.header("Allow", allow);
                    throw new HttpResponseException(
                        405, ctx.method() + " is not allowed on " + path + "; allowed: " + allow);
                  });
            }
          }
        });
  }

  private static void me(Context ctx) {
    Caller caller = AccessControl.caller(ctx);
    ctx.json(
        Map.of(
            "tokenId",
            caller.tokenId(),
            "name",
            caller.name(),
            "role",
            caller.role().word(),
            "zones",
            caller.zones()));
  }

  private static void camtrapExport(Context ctx, CamtrapDpExport export) throws Exception {
    Instant to = Params.instant(ctx, "to", Instant.now());
    Instant from = Params.instant(ctx, "from", to.minus(Duration.ofDays(365)));
    Params.range(from, to);
    export.handle(ctx, from, to);
  }

  private static byte[] openApi() {
    try (InputStream in = ApiService.class.getResourceAsStream("/org/tugai/api/openapi.json")) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("openapi.json is missing from the build", e);
    }
  }

  /**
   * The health of every service of this process (this one included), which {@code /health} reports.
   */
  public void reportHealthOf(Supplier<HealthReport> health) {
    this.processHealth = health;
  }

  /** The live feed's thread ended without being stopped. */
  @Override
  public Optional<String> failure() {
    return feed == null ? Optional.empty() : feed.failure();
  }

  public int port() {
    return app.port();
  }

  private void health(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    boolean db;
    try (Connection c = store.dataSource().getConnection()) {
      db = c.isValid(2);
      // The check runs outside the pool's statement tracking: end the transaction it opened
      // ourselves.
      c.rollback();
    } catch (SQLException e) {
      db = false;
    }
    boolean kafka;
    try {
      kafka = !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      kafka = false;
    }
    HealthReport report = processHealth.get();
    body.put("status", !(db && kafka) ? "DOWN" : report.status());
    body.put("database", db ? "UP" : "DOWN");
    body.put("kafka", kafka ? "UP" : "DOWN");
    body.put("problems", report.all());
    ctx.status(db && kafka && report.healthy() ? 200 : 503).json(body);
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
    if (feed != null) {
      feed.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (store != null) {
      store.close();
    }
    log.info("api stopped");
  }
}
