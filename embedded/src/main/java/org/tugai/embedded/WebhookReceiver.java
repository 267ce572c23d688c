package org.tugai.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server standing in for an SMS gateway or EarthRanger: keeps every alert posted to
 * {@code /hook} with the secret it came with, and can go down and come back on the same port, as a
 * receiver restarting does (connections refused meanwhile).
 */
public final class WebhookReceiver implements AutoCloseable {

  /**
   * One POST: the value of the secret header, the {@code X-Tugai-Alert-Id} header, the JSON body.
   */
  public record Post(String secret, String alertIdHeader, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String secretHeader;
  private final int port;
  private HttpServer server;
  public final List<Post> posts = new CopyOnWriteArrayList<>();

  /** Starts a receiver on a free port. */
  public WebhookReceiver(String secretHeader) {
    this(secretHeader, 0, true);
  }

  /** A receiver for {@code port} (0: a free one), started or not yet answering. */
  public WebhookReceiver(String secretHeader, int port, boolean start) {
    this.secretHeader = secretHeader;
    this.port = port == 0 ? FreePorts.pick() : port;
    if (start) {
      up();
    }
  }

  /** Starts answering (again) on its port. */
  public synchronized void up() {
    if (server != null) {
      return;
    }
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("webhook receiver cannot bind 127.0.0.1:" + port, e);
    }
    server.createContext(
        "/hook",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            posts.add(
                new Post(
                    exchange.getRequestHeaders().getFirst(secretHeader),
                    exchange.getRequestHeaders().getFirst("X-Tugai-Alert-Id"),
                    JSON.readTree(in.readAllBytes())));
          }
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  /** Stops answering: connections to its port are refused until {@link #up()}. */
  public synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hook";
  }

  /** The alert ids posted, in the order they came, repeats included. */
  public List<String> alertIds() {
    return posts.stream().map(Post::alertIdHeader).toList();
  }

  @Override
  public void close() {
    down();
  }
}
