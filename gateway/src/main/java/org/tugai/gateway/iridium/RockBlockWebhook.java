package org.tugai.gateway.iridium;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.schemas.Channels;

/**
 * The HTTP POST an Iridium service provider such as RockBLOCK sends for each MO message: a form
 * with {@code imei}, {@code momsn}, {@code transmit_time}, {@code iridium_latitude}, {@code
 * iridium_longitude}, {@code iridium_cep} and {@code data} (the payload in hex). The 200 goes out
 * only once Kafka has what the message became; a request without the shared secret gets 403 and
 * leaves no trace but a log line; a malformed one is kept as a dead letter and answered 400 with
 * the reason; Kafka too slow gets 503, and the provider retries.
 *
 * <p>The JDK's own HTTP server: one endpoint, blocking until Kafka acknowledges, needs nothing
 * more.
 */
public final class RockBlockWebhook implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RockBlockWebhook.class);
  public static final String PATH = "/iridium/rockblock";
  private static final int MAX_BODY = 16 * 1024;

  /**
   * How much of an oversized body is read and thrown away before the 413. A client writes its whole
   * body before it reads the answer; answering and closing mid-body leaves it with a broken
   * connection instead of the reason. Past this the connection is closed anyway: a caller sending
   * more is not a provider.
   */
  private static final long DISCARD_LIMIT = 8L * 1024 * 1024;

  /** RockBLOCK writes {@code 21-10-31 10:41:50}, UTC. */
  private static final DateTimeFormatter TRANSMIT_TIME =
      DateTimeFormatter.ofPattern("yy-MM-dd HH:mm:ss");

  private final SatelliteSettings.WebhookSettings settings;
  private final SbdIntake intake;
  private HttpServer server;
  private ExecutorService handlers;
  private final AtomicInteger refused = new AtomicInteger();

  public RockBlockWebhook(SatelliteSettings.WebhookSettings settings, SbdIntake intake) {
    this.settings = settings;
    this.intake = intake;
  }

  public void start() throws IOException {
    server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port()), 50);
    AtomicInteger n = new AtomicInteger();
    handlers =
        Executors.newFixedThreadPool(
            8, r -> new Thread(r, "gateway-rockblock-" + n.incrementAndGet()));
    server.setExecutor(handlers);
    server.createContext(PATH, this::handle);
    server.start();
    log.info("Iridium provider webhook listening on {}:{}{}", settings.bind(), port(), PATH);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        respond(exchange, 405, "only POST");
        return;
      }
      Map<String, String> query;
      try {
        query = form(Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
      } catch (IllegalArgumentException e) {
        query = Map.of();
      }
      String given =
          Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Tugai-Secret"))
              .orElse(query.getOrDefault("secret", ""));
      if (!MessageDigest.isEqual(
          given.getBytes(StandardCharsets.UTF_8),
          settings.secret().getBytes(StandardCharsets.UTF_8))) {
        if (refused.getAndIncrement() % 100 == 0) {
          log.warn(
              "Iridium webhook request from {} refused: wrong or missing secret ({} refused so far)",
              exchange.getRemoteAddress().getAddress().getHostAddress(),
              refused.get());
        }
        respond(exchange, 403, "wrong or missing secret");
        return;
      }
      long declared = declaredLength(exchange);
      if (declared > DISCARD_LIMIT) {
        respond(exchange, 413, "a request is at most " + MAX_BODY + " bytes");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
          discard(in, DISCARD_LIMIT);
          respond(exchange, 413, "a request is at most " + MAX_BODY + " bytes");
          return;
        }
      }
      String peer = exchange.getRemoteAddress().getAddress().getHostAddress();
      Optional<SbdMessage> message;
      String problem = null;
      try {
        message = Optional.of(message(form(new String(body, StandardCharsets.UTF_8))));
      } catch (IllegalArgumentException e) {
        message = Optional.empty();
        problem = e.getMessage();
      }
      String reason = problem;
      CompletableFuture<SbdIntake.Outcome> done =
          message
              .map(intake::accept)
              .orElseGet(
                  () ->
                      intake.malformed(
                          Channels.IRIDIUM_ROCKBLOCK, body, peer, "webhook request: " + reason));
      try {
        SbdIntake.Outcome outcome =
            done.get(settings.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (problem != null) {
          respond(exchange, 400, problem + " (kept as a dead letter)");
        } else {
          respond(exchange, 200, "OK " + outcome.name().toLowerCase(java.util.Locale.ROOT));
        }
      } catch (TimeoutException | ExecutionException e) {
        intake.unconfirmed(Channels.IRIDIUM_ROCKBLOCK);
        log.warn(
            "Iridium webhook message from {}: Kafka did not acknowledge within {}; answered 503, the provider will retry",
            peer,
            settings.confirmTimeout());
        respond(exchange, 503, "not stored yet; send it again");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        respond(exchange, 503, "gateway stopping; send it again");
      }
    }
  }

  private static SbdMessage message(Map<String, String> f) {
    String imei = required(f, "imei");
    if (!imei.matches("[0-9]{15}")) {
      throw new IllegalArgumentException("imei '" + abbreviate(imei) + "' is not 15 digits");
    }
    int momsn;
    try {
      momsn = Integer.parseInt(required(f, "momsn"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "momsn '" + abbreviate(f.get("momsn")) + "' is not a number");
    }
    if (momsn < 0 || momsn > 65_535) {
      throw new IllegalArgumentException("momsn " + momsn + " is outside 0..65535");
    }
    Instant session = transmitTime(required(f, "transmit_time"));
    byte[] payload;
    try {
      payload = HexFormat.of().parseHex(f.getOrDefault("data", "").trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("data is not hexadecimal: " + e.getMessage());
    }
    Optional<SbdMessage.IridiumLocation> location = Optional.empty();
    try {
      if (f.containsKey("iridium_latitude") && f.containsKey("iridium_longitude")) {
        location =
            Optional.of(
                new SbdMessage.IridiumLocation(
                    Double.parseDouble(f.get("iridium_latitude")),
                    Double.parseDouble(f.get("iridium_longitude")),
                    Double.parseDouble(f.getOrDefault("iridium_cep", "0"))));
      }
    } catch (NumberFormatException e) {
      // The network's coarse position is only informative: a bad one does not cost the collar's
      // fixes.
      location = Optional.empty();
    }
    return new SbdMessage(Channels.IRIDIUM_ROCKBLOCK, imei, momsn, session, payload, location);
  }

  private static Instant transmitTime(String text) {
    try {
      return LocalDateTime.parse(text.trim(), TRANSMIT_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text.trim());
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(
            "transmit_time '"
                + abbreviate(text)
                + "' is neither yy-MM-dd HH:mm:ss (UTC) nor ISO-8601");
      }
    }
  }

  private static String required(Map<String, String> f, String name) {
    String v = f.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return v;
  }

  private static String abbreviate(String v) {
    String s = v == null ? "" : v.replaceAll("[^ -~]", "?");
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static Map<String, String> form(String encoded) {
    Map<String, String> out = new HashMap<>();
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the form is not URL-encoded: " + e.getMessage());
      }
    }
    return out;
  }

  private static long declaredLength(HttpExchange exchange) {
    try {
      return Long.parseLong(
          Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Length"))
              .orElse("-1")
              .trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void discard(InputStream in, long limit) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long read = 0;
    int n;
    while (read < limit && (n = in.read(sink)) >= 0) {
      read += n;
    }
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(1);
    }
    if (handlers != null) {
      handlers.shutdownNow();
    }
  }
}
