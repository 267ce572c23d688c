package org.tugai.app.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real HTTP server standing in for an SMS gateway or EarthRanger: keeps what was posted, checks the secret. */
final class WebhookReceiver implements AutoCloseable {

  record Post(String secret, String alertIdHeader, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  final List<Post> posts = new CopyOnWriteArrayList<>();

  WebhookReceiver(String secretHeader) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        posts.add(new Post(exchange.getRequestHeaders().getFirst(secretHeader), exchange.getRequestHeaders().getFirst("X-Tugai-Alert-Id"),
            JSON.readTree(in.readAllBytes())));
      }
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
