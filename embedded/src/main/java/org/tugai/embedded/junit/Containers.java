package org.tugai.embedded.junit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** Real services in Docker containers, used only where a Docker engine answers. */
final class Containers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Containers.class);

  private KafkaContainer kafka;
  private GenericContainer<?> mosquitto;
  private PostgreSQLContainer timescale;

  static Containers startIfDocker() {
    try {
      if (DockerClientFactory.instance().isDockerAvailable()) {
        log.info(
            "a Docker engine answers: tests use Testcontainers for services the environment does not give");
        return new Containers();
      }
    } catch (RuntimeException | LinkageError e) {
      log.info("no usable Docker engine ({}): tests use embedded services", e.toString());
    }
    return null;
  }

  synchronized String kafka() {
    if (kafka == null) {
      kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.1"));
      kafka.start();
    }
    return kafka.getBootstrapServers();
  }

  synchronized String mqtt() {
    if (mosquitto == null) {
      mosquitto =
          new GenericContainer<>(DockerImageName.parse("eclipse-mosquitto:2.0.22"))
              .withCommand("mosquitto", "-c", "/mosquitto-no-auth.conf")
              .withExposedPorts(1883);
      mosquitto.start();
    }
    return "tcp://" + mosquitto.getHost() + ":" + mosquitto.getMappedPort(1883);
  }

  synchronized Infrastructure.Database postgres() {
    if (timescale == null) {
      timescale =
          new PostgreSQLContainer(
              DockerImageName.parse("timescale/timescaledb:2.22.1-pg17")
                  .asCompatibleSubstituteFor("postgres"));
      timescale.start();
    }
    return new Infrastructure.Database(
        timescale.getJdbcUrl(), timescale.getUsername(), timescale.getPassword());
  }

  @Override
  public void close() {
    if (kafka != null) {
      kafka.stop();
    }
    if (mosquitto != null) {
      mosquitto.stop();
    }
    if (timescale != null) {
      timescale.stop();
    }
  }
}
