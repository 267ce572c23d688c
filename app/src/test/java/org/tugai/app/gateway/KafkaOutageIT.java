package org.tugai.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.config.Settings;
import org.tugai.embedded.KafkaBrokerProcess;
import org.tugai.embedded.MosquittoProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * Kafka stops for 20 s while collars keep publishing: the gateway stops acknowledging, holds no
 * more than its receive maximum in flight, and delivers everything once the broker is back.
 */
@ExtendWith(TugaiInfrastructure.class)
class KafkaOutageIT {

  private static final Logger log = LoggerFactory.getLogger(KafkaOutageIT.class);
  private static final int FIXES = 6_000;
  private static final int RATE_PER_SECOND = 200;
  private static final int RECEIVE_MAXIMUM = 300;

  @TempDir Path dir;

  @Test
  void aTwentySecondBrokerOutageUnderLoadLosesNothing(Infrastructure infra) throws Exception {
    String prefix = Infrastructure.uniqueName("outage") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    FixStream stream = new FixStream(Infrastructure.uniqueName("O"), 20);
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    try (KafkaBrokerProcess kafka = new KafkaBrokerProcess(dir.resolve("kafka"));
        MosquittoProcess mosquitto =
            MosquittoProcess.binary().isPresent() ? MosquittoProcess.start("") : null) {
      kafka.start();
      String mqttUrl = mosquitto != null ? mosquitto.url() : infra.mqttUrl();
      GatewayConfig config =
          GatewayConfig.from(
              Settings.of(
                  Map.of(
                      "kafka.bootstrap-servers",
                      kafka.bootstrapServers(),
                      "kafka.topic-prefix",
                      prefix,
                      "mqtt.url",
                      mqttUrl,
                      "gateway.client-id",
                      Infrastructure.uniqueName("gw"),
                      "gateway.receive-maximum",
                      String.valueOf(RECEIVE_MAXIMUM),
                      "gateway.retry-backoff",
                      "200ms")));
      GatewayService gateway =
          new GatewayService(config, new SimpleMeterRegistry(), Clock.systemUTC());
      gateway.start();
      MqttClient device =
          new MqttClient(mqttUrl, Infrastructure.uniqueName("collars"), new MemoryPersistence());
      device.connect(new MqttConnectionOptions());
      AtomicInteger published = new AtomicInteger();
      AtomicInteger maxInFlightDuringOutage = new AtomicInteger();
      try {
        Future<?> publisher =
            scheduler.submit(
                () -> {
                  long interval = TimeUnit.SECONDS.toNanos(1) / RATE_PER_SECOND;
                  long next = System.nanoTime();
                  for (int i = 0; i < FIXES; i++) {
                    stream.publish(device, i);
                    published.incrementAndGet();
                    next += interval;
                    LockSupport.parkNanos(next - System.nanoTime());
                  }
                  return null;
                });
        await().atMost(Duration.ofSeconds(30)).until(() -> published.get() >= FIXES / 6);
        kafka.stop();
        log.info("Kafka stopped after {} fixes published", published.get());
        long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < outageEnds) {
          maxInFlightDuringOutage.accumulateAndGet(gateway.metrics().inFlight(), Math::max);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        int publishedDuringOutage = published.get();
        kafka.start();
        log.info(
            "Kafka back after 20 s; {} fixes published by then, gateway held at most {} in flight",
            publishedDuringOutage,
            maxInFlightDuringOutage.get());
        publisher.get(120, TimeUnit.SECONDS);

        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    stream.arrived(kafka.bootstrapServers(), topics.fixes()).distinct().size()
                        == FIXES);
        FixStream.Arrived arrived = stream.arrived(kafka.bootstrapServers(), topics.fixes());
        log.info(
            "all {} fixes in Kafka after the outage: {} records, {} duplicates",
            FIXES,
            arrived.total(),
            arrived.duplicates());
        assertThat(arrived.distinct()).hasSize(FIXES);
        // The outage was felt: messages piled up unacknowledged, but never more than the receive
        // maximum.
        assertThat(maxInFlightDuringOutage.get()).isPositive().isLessThanOrEqualTo(RECEIVE_MAXIMUM);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.metrics().inFlight() == 0);
      } finally {
        if (device.isConnected()) {
          device.disconnect();
        }
        gateway.close();
        scheduler.shutdownNow();
      }
    }
  }
}
