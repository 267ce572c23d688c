package org.tugai.embedded.junit;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.embedded.EmbeddedKafka;
import org.tugai.embedded.EmbeddedMqttBroker;
import org.tugai.embedded.EmbeddedPostgres;

/**
 * The real services integration tests run against, from one place, each chosen on first use:
 *
 * <ol>
 *   <li>given by the environment ({@code TUGAI_KAFKA_BOOTSTRAP_SERVERS}, {@code TUGAI_MQTT_URL},
 *       {@code TUGAI_DB_URL} with {@code TUGAI_DB_USER} / {@code TUGAI_DB_PASSWORD});
 *   <li>else Testcontainers, where a Docker engine answers (TimescaleDB, Apache Kafka, Mosquitto
 *       images);
 *   <li>else embedded in this JVM (KRaft broker, HiveMQ CE, zonky PostgreSQL).
 * </ol>
 *
 * One instance per test JVM; tests isolate themselves with {@link #uniqueName} prefixes and {@link
 * #newDatabase}.
 */
public final class Infrastructure implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);

  /** A database for one test class. */
  public record Database(String url, String user, String password) {}

  private final Map<String, String> env;
  private final List<AutoCloseable> started = new ArrayList<>();
  private String kafka;
  private String mqtt;
  private Database server;
  private EmbeddedPostgres embeddedPostgres;
  private Containers containers;

  Infrastructure(Map<String, String> env) {
    this.env = env;
  }

  /** Kafka bootstrap servers. */
  public synchronized String kafkaBootstrapServers() {
    if (kafka == null) {
      kafka = env.get("TUGAI_KAFKA_BOOTSTRAP_SERVERS");
      if (kafka != null) {
        log.info("tests use Kafka from the environment at {}", kafka);
      } else if (containers() != null) {
        kafka = containers.kafka();
      } else {
        EmbeddedKafka embedded = start(EmbeddedKafka::start, "Kafka");
        kafka = embedded.bootstrapServers();
      }
    }
    return kafka;
  }

  /** MQTT broker URL, tcp://host:port. */
  public synchronized String mqttUrl() {
    if (mqtt == null) {
      mqtt = env.get("TUGAI_MQTT_URL");
      if (mqtt != null) {
        log.info("tests use the MQTT broker from the environment at {}", mqtt);
      } else if (containers() != null) {
        mqtt = containers.mqtt();
      } else {
        mqtt = start(EmbeddedMqttBroker::start, "MQTT broker").url();
      }
    }
    return mqtt;
  }

  /**
   * True when the MQTT broker is a Mosquitto given by the environment (some tests need its exact
   * behaviour).
   */
  public boolean mqttFromEnvironment() {
    return env.containsKey("TUGAI_MQTT_URL");
  }

  /** A fresh, empty database on the PostgreSQL server, for one test class. */
  public synchronized Database newDatabase() {
    Database admin = databaseServer();
    String name = "tugai_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password())) {
      c.createStatement().execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create test database on " + admin.url() + ": " + e.getMessage(), e);
    }
    return new Database(withDatabase(admin.url(), name), admin.user(), admin.password());
  }

  private Database databaseServer() {
    if (server == null) {
      String url = env.get("TUGAI_DB_URL");
      if (url != null) {
        server =
            new Database(
                url,
                env.getOrDefault("TUGAI_DB_USER", "postgres"),
                env.getOrDefault("TUGAI_DB_PASSWORD", ""));
        log.info("tests use PostgreSQL from the environment at {}", url);
      } else if (containers() != null) {
        server = containers.postgres();
      } else {
        embeddedPostgres = start(EmbeddedPostgres::start, "PostgreSQL");
        server = new Database(embeddedPostgres.jdbcUrl("postgres"), embeddedPostgres.user(), "");
      }
    }
    return server;
  }

  /**
   * A name no other test run on the same services uses: for topic prefixes, client ids, device ids.
   */
  public static String uniqueName(String stem) {
    return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private Containers containers() {
    if (containers == null && dockerLikely()) {
      containers = Containers.startIfDocker();
      if (containers != null) {
        started.add(containers);
      }
    }
    return containers;
  }

  /**
   * Testcontainers probes slowly and noisily; skip it outright where no Docker engine can be
   * reached.
   */
  private boolean dockerLikely() {
    if (env.containsKey("TUGAI_TEST_NO_DOCKER")) {
      return false;
    }
    return env.containsKey("DOCKER_HOST")
        || Files.exists(Path.of("/var/run/docker.sock"))
        || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
  }

  private interface Starter<T> {
    T start() throws Exception;
  }

  private <T extends AutoCloseable> T start(Starter<T> starter, String what) {
    try {
      T service = starter.start();
      started.add(service);
      return service;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded " + what + ": " + e.getMessage(), e);
    }
  }

  static String withDatabase(String url, String database) {
    URI uri = URI.create(url.substring("jdbc:".length()));
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return "jdbc:" + uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database + query;
  }

  @Override
  public synchronized void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("stopping test infrastructure: {}", e.toString());
      }
    }
    started.clear();
  }
}
