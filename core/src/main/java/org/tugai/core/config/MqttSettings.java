package org.tugai.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An MQTT broker to connect to. Read from {@code mqtt.*}, or from another prefix such as {@code
 * gateway.sources.ttn.*} for further sources.
 *
 * @param url {@code url}: tcp://host:port, ssl://host:port, ws:// or wss://
 * @param username {@code username}, optional
 * @param password {@code password}, optional
 * @param caFile {@code ca-file}, optional: PEM certificate(s) to trust for ssl:// and wss:// (else
 *     the JVM's trust store)
 */
public record MqttSettings(
    String url, Optional<String> username, Optional<String> password, Optional<Path> caFile) {

  private static final List<String> SCHEMES = List.of("tcp", "ssl", "ws", "wss");

  public static MqttSettings from(Settings s) {
    return from(s, "mqtt.");
  }

  public static MqttSettings from(Settings s, String prefix) {
    String url = s.string(prefix + "url");
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null
          || !SCHEMES.contains(uri.getScheme())
          || uri.getHost() == null
          || uri.getPort() <= 0) {
        throw new ConfigException(
            prefix + "url",
            "'" + url + "' is not like tcp://host:port (schemes: tcp, ssl, ws, wss)");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(prefix + "url", "'" + url + "' is not a URL: " + e.getReason());
    }
    Optional<String> user = s.optional(prefix + "username");
    Optional<String> password = s.optional(prefix + "password");
    if (password.isPresent() && user.isEmpty()) {
      throw new ConfigException(prefix + "username", "missing while " + prefix + "password is set");
    }
    Optional<java.nio.file.Path> ca = s.optional(prefix + "ca-file").map(java.nio.file.Path::of);
    if (ca.isPresent() && !Files.isReadable(ca.get())) {
      throw new ConfigException(prefix + "ca-file", "cannot read " + ca.get());
    }
    return new MqttSettings(url, user, password, ca);
  }

  @Override
  public String toString() {
    return "MqttSettings[url=" + url + ", username=" + username.orElse("-") + "]";
  }
}
