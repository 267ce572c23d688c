package org.tugai.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.gateway.ack.KafkaForwarder;
import org.tugai.gateway.decode.Decoders;
import org.tugai.gateway.decode.TimeWindow;
import org.tugai.gateway.registry.DeploymentRegistry;
import org.tugai.gateway.route.DeviceCheck;
import org.tugai.gateway.route.MessageRouter;
import org.tugai.schemas.SchemaTopic;
import org.tugai.schemas.Topics;

/**
 * What every input of the gateway hands its messages to: the topics ensured, the deployments read,
 * the router that decodes and checks, and the forwarder that acknowledges only after Kafka. Built
 * once here, for the running gateway and for {@code bin/tugai import} alike.
 */
public final class ForwardingPath implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final ScheduledExecutorService retries;
  private final DeploymentRegistry registry;
  private final TimeWindow window;
  private final MessageRouter router;
  private final KafkaForwarder forwarder;

  private ForwardingPath(
      Producer<String, byte[]> producer,
      ScheduledExecutorService retries,
      DeploymentRegistry registry,
      TimeWindow window,
      MessageRouter router,
      KafkaForwarder forwarder) {
    this.producer = producer;
    this.retries = retries;
    this.registry = registry;
    this.window = window;
    this.router = router;
    this.forwarder = forwarder;
  }

  /**
   * @param systemic told why Kafka refuses the gateway's records for good (credentials, ACLs): the
   *     caller stops its intake
   */
  public static ForwardingPath open(
      GatewayConfig config, GatewayMetrics metrics, Clock clock, Consumer<String> systemic)
      throws InterruptedException, ExecutionException, TimeoutException {
    Topics topics = config.kafka().topics();
    TopicAdmin.ensure(
        config.kafka(),
        List.of(
            topics.fixes(),
            topics.detections(),
            topics.deployments(),
            topics.alerts(),
            topics.alertAcks(),
            topics.deadLetters(),
            topics.schemas()));
    SchemaTopic.publishCurrent(
        config.kafka().clientConfig(), topics.schemas().name(), Duration.ofSeconds(30));
    Producer<String, byte[]> producer =
        new KafkaProducer<>(
            GatewayService.producerConfig(config.kafka(), config.clientId()),
            new StringSerializer(),
            new ByteArraySerializer());
    ScheduledExecutorService retries =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gateway-retry"));
    DeploymentRegistry registry = new DeploymentRegistry(config.kafka(), topics.deployments());
    registry.start(Duration.ofSeconds(60));
    TimeWindow window = new TimeWindow(clock, config.maxFutureSkew(), config.earliestTime());
    MessageRouter router =
        new MessageRouter(
            topics,
            Decoders.of(
                window,
                config.lorawan(),
                config.megaDetectorMinConfidence(),
                metrics::megaDetectorSkipped),
            new DeviceCheck(registry, config.unknownDevices()),
            config.maxPayloadBytes(),
            clock,
            metrics);
    KafkaForwarder forwarder =
        new KafkaForwarder(
            producer,
            retries,
            config.retryBackoff(),
            metrics,
            topics.deadLetters().name(),
            router::deadLetterInstead,
            systemic);
    return new ForwardingPath(producer, retries, registry, window, router, forwarder);
  }

  public DeploymentRegistry registry() {
    return registry;
  }

  public TimeWindow window() {
    return window;
  }

  public MessageRouter router() {
    return router;
  }

  public KafkaForwarder forwarder() {
    return forwarder;
  }

  /** Sends what is buffered; records still unacknowledged stay with their senders. */
  public void flush() {
    producer.flush();
  }

  /** Stops resending; records in flight are abandoned to their senders' re-delivery. */
  public void stopRetries() {
    retries.shutdownNow();
  }

  @Override
  public void close() {
    retries.shutdownNow();
    producer.close(Duration.ofSeconds(10));
    registry.close();
  }
}
