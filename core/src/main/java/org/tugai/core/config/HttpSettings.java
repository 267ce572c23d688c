package org.tugai.core.config;

/**
 * The HTTP listener of a service.
 *
 * @param host {@code http.host}, address to bind
 * @param port {@code http.port}; 0 picks a free port
 */
public record HttpSettings(String host, int port) {

  public static HttpSettings from(Settings s) {
    return new HttpSettings(
        s.string("http.host", "127.0.0.1"), s.integer("http.port", 8080, 0, 65_535));
  }
}
