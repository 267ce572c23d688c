package org.tugai.embedded;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real MQTT 5 broker (HiveMQ Community Edition) in this JVM, on a free port of 127.0.0.1. */
public final class EmbeddedMqttBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedMqttBroker.class);

  private final EmbeddedHiveMQ hivemq;
  private final Path home;
  private final int port;

  private EmbeddedMqttBroker(EmbeddedHiveMQ hivemq, Path home, int port) {
    this.hivemq = hivemq;
    this.home = home;
    this.port = port;
  }

  public static EmbeddedMqttBroker start() throws IOException {
    long t0 = System.nanoTime();
    Path home = Files.createTempDirectory("tugai-mqtt-");
    Path conf = Files.createDirectories(home.resolve("conf"));
    int port = FreePorts.pick();
    // HiveMQ drops QoS 1 messages past max-queue-size (default 1000) for an offline persistent
    // session: a gateway restarting under load would lose data, which is exactly what we test
    // against.
    Files.writeString(
        conf.resolve("config.xml"),
        """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
          </listeners>
          <mqtt>
            <queued-messages><max-queue-size>1000000</max-queue-size><strategy>discard</strategy></queued-messages>
          </mqtt>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """
            .formatted(port));
    EmbeddedHiveMQ hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(conf)
            .withDataFolder(Files.createDirectories(home.resolve("data")))
            .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
            .build();
    try {
      hivemq.start().join();
    } catch (RuntimeException e) {
      closeQuietly(hivemq);
      throw new IOException(
          "embedded MQTT broker did not start on port " + port + ": " + e.getMessage(), e);
    }
    EmbeddedMqttBroker broker = new EmbeddedMqttBroker(hivemq, home, port);
    log.info(
        "embedded MQTT 5 broker ready at {} in {} ms",
        broker.url(),
        (System.nanoTime() - t0) / 1_000_000);
    return broker;
  }

  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      hivemq.stop().join();
    } catch (RuntimeException e) {
      log.warn("embedded MQTT broker did not stop cleanly: {}", e.toString());
    }
    closeQuietly(hivemq);
    FreePorts.deleteTree(home);
  }

  private static void closeQuietly(EmbeddedHiveMQ hivemq) {
    try {
      hivemq.close();
    } catch (Exception e) {
      log.debug("closing HiveMQ: {}", e.toString());
    }
  }
}
