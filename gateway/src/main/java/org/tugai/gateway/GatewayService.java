package org.tugai.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.service.ServiceFailure;
import org.tugai.core.service.TugaiService;
import org.tugai.gateway.ack.KafkaForwarder;
import org.tugai.gateway.alerts.AlertChannels;
import org.tugai.gateway.alerts.AlertRelay;
import org.tugai.gateway.alerts.WebhookRelay;
import org.tugai.gateway.decode.NativeFixDecoder;
import org.tugai.gateway.decode.SbdDecoder;
import org.tugai.gateway.decode.TimeWindow;
import org.tugai.gateway.files.FileIntake;
import org.tugai.gateway.files.FileSettings;
import org.tugai.gateway.files.Inbox;
import org.tugai.gateway.files.Mailbox;
import org.tugai.gateway.iridium.DirectIpServer;
import org.tugai.gateway.iridium.RockBlockWebhook;
import org.tugai.gateway.iridium.SatelliteSettings;
import org.tugai.gateway.iridium.SbdIntake;
import org.tugai.gateway.mqtt.MqttIngress;
import org.tugai.gateway.mqtt.SessionTakeovers;
import org.tugai.gateway.route.MessageRouter;
import org.tugai.schemas.Topics;

/**
 * MQTT in, Avro on Kafka out; a device's message is acknowledged only after Kafka has its records.
 */
public final class GatewayService implements TugaiService {

  private static final Logger log = LoggerFactory.getLogger(GatewayService.class);

  private final GatewayConfig config;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final SessionTakeovers takeovers;
  private ForwardingPath path;
  private ExecutorService worker;
  private ScheduledExecutorService progress;
  private final List<MqttIngress> ingresses = new ArrayList<>();
  private AlertRelay alerts;
  private final List<WebhookRelay> webhooks = new ArrayList<>();
  private DirectIpServer directIp;
  private RockBlockWebhook rockBlock;
  private Inbox inbox;
  private Mailbox mailbox;
  private FileIntake fileIntake;

  public GatewayService(GatewayConfig config, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.metrics = new GatewayMetrics(registry);
    Topics topics = config.kafka().topics();
    metrics.expectTopics(
        List.of(
            topics.fixes().name(),
            topics.detections().name(),
            topics.alertAcks().name(),
            topics.deadLetters().name()));
    this.clock = clock;
    this.takeovers = new SessionTakeovers(registry, clock);
  }

  private final ServiceFailure failure = new org.tugai.core.service.ServiceFailure("gateway");

  /**
   * A systemic failure: no message is taken any more (those not acknowledged stay with the broker)
   * and the service has failed.
   */
  private void stopIntake(String why) {
    ingresses.forEach(MqttIngress::stopIntake);
    stopOtherInputs();
    failure.fail(
        why
            + "; intake stopped, unacknowledged messages stay with the broker (satellite ones with their sender)");
  }

  @Override
  public Optional<String> failure() {
    return failure.reason();
  }

  /**
   * Sessions taken over by another connection lately: the gateway still runs, but devices' messages
   * may go elsewhere.
   */
  @Override
  public List<String> problems() {
    List<String> out = new ArrayList<>(takeovers.problems());
    if (alerts != null) {
      alerts.problem().ifPresent(out::add);
    }
    webhooks.forEach(w -> w.problem().ifPresent(out::add));
    return out;
  }

  @Override
  public String name() {
    return "gateway";
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  @Override
  public void start() throws Exception {
    Topics topics = config.kafka().topics();
    path = ForwardingPath.open(config, metrics, clock, this::stopIntake);
    // Decoding and producer.send() run here, never on Paho's callback thread: send() blocks while
    // Kafka is away.
    worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "gateway-forward"));
    MessageRouter router = path.router();
    KafkaForwarder forwarder = path.forwarder();
    TimeWindow window = path.window();
    startOtherInputs(router, forwarder, window);
    for (GatewayConfig.Source source : config.sources()) {
      MqttIngress ingress =
          new MqttIngress(
              source.name(),
              source.mqtt(),
              source.clientId(),
              config.subscriptionFilters(source),
              config.sessionExpiry(),
              config.receiveMaximum(),
              takeovers,
              (topic, payload, ack) -> {
                metrics.received();
                worker.execute(
                    () -> forwarder.forward(router.route(source.name(), topic, payload), ack));
              });
      ingresses.add(ingress);
      try {
        ingress.start(config.connectTimeout());
      } catch (MqttException | IOException | GeneralSecurityException e) {
        throw new IllegalStateException(
            "cannot connect MQTT source '"
                + source.name()
                + "' to "
                + source.mqtt().url()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    if (config.alertsOut()) {
      alerts =
          new AlertRelay(
              config.kafka(),
              config.alertsMqtt(),
              config.clientId() + "-alerts",
              config.alertsGroupId(),
              topics.alerts(),
              config.alertChannels(),
              takeovers,
              failure);
      alerts.start();
      for (AlertChannels.Channel channel : config.alertChannels().webhooks()) {
        WebhookRelay webhook =
            new WebhookRelay(
                config.kafka(),
                config.alertsGroupId(),
                config.clientId(),
                topics.alerts(),
                topics.deadLetters(),
                config.alertChannels(),
                channel,
                failure);
        webhook.start();
        webhooks.add(webhook);
      }
    }
    progress = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gateway-progress"));
    progress.scheduleAtFixedRate(this::logProgress, 60, 60, TimeUnit.SECONDS);
    log.info(
        "gateway started: {} MQTT source(s) {} -> Kafka {} ({}, {})",
        ingresses.size(),
        config.sources().stream().map(s -> s.name() + "=" + s.mqtt().url()).toList(),
        config.kafka().bootstrapServers(),
        topics.fixes().name(),
        topics.detections().name());
  }

  /**
   * Iridium DirectIP, the provider webhook, the inbox folder and the mailbox, each when configured:
   * into the same checks and the same forwarder as MQTT.
   */
  private void startOtherInputs(MessageRouter router, KafkaForwarder forwarder, TimeWindow window)
      throws IOException {
    SatelliteSettings satellite = config.satellite();
    FileSettings files = config.files();
    SbdIntake sbd =
        new SbdIntake(
            path.registry(),
            new SbdDecoder(satellite.profiles(), window),
            router,
            forwarder,
            metrics,
            clock);
    fileIntake = new FileIntake(new NativeFixDecoder(window), router, forwarder, metrics, clock);
    if (satellite.directIp().isPresent()) {
      directIp = new DirectIpServer(satellite.directIp().get(), sbd);
      directIp.start();
    }
    if (satellite.rockBlock().isPresent()) {
      rockBlock = new RockBlockWebhook(satellite.rockBlock().get(), sbd);
      rockBlock.start();
    }
    if (files.inbox().isPresent()) {
      inbox = new Inbox(files.inbox().get(), fileIntake, clock, metrics);
      inbox.start();
    }
    if (files.mailbox().isPresent()) {
      mailbox = new Mailbox(files.mailbox().get(), fileIntake, sbd, metrics);
      mailbox.start();
    }
  }

  /**
   * Satellite, folder and mail inputs take nothing more: what Kafka has not acknowledged stays with
   * its sender, file or mailbox.
   */
  private void stopOtherInputs() {
    for (AutoCloseable input : new AutoCloseable[] {directIp, rockBlock, inbox, mailbox}) {
      if (input != null) {
        try {
          input.close();
        } catch (Exception e) {
          log.warn("closing an input failed: {}", e.toString());
        }
      }
    }
    if (fileIntake != null) {
      fileIntake.close();
    }
  }

  /** The DirectIP port listened on, when DirectIP is on. */
  public OptionalInt directIpPort() {
    return directIp == null ? OptionalInt.empty() : OptionalInt.of(directIp.port());
  }

  /** The provider webhook's port, when it is on. */
  public OptionalInt rockBlockPort() {
    return rockBlock == null ? OptionalInt.empty() : OptionalInt.of(rockBlock.port());
  }

  private long lastReceived = -1;

  private void logProgress() {
    long received = metrics.receivedCount();
    if (received != lastReceived) {
      lastReceived = received;
      log.info(
          "gateway progress: {} messages received, {} in flight, {} dead letters",
          received,
          metrics.inFlight(),
          metrics.deadLetterCount());
    }
  }

  /**
   * The gateway's producer settings (public so the benchmark's plain producer uses exactly these).
   */
  public static Map<String, Object> producerConfig(KafkaSettings kafka, String clientId) {
    Map<String, Object> p = kafka.producerConfig();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Give up on one attempt fairly soon and resend ourselves: that keeps the outage visible in the
    // log.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    return p;
  }

  @Override
  public void close() {
    ingresses.forEach(MqttIngress::stopIntake);
    stopOtherInputs();
    if (alerts != null) {
      alerts.close();
    }
    webhooks.forEach(WebhookRelay::close);
    if (worker != null) {
      worker.shutdown();
      awaitQuietly(worker);
    }
    if (path != null) {
      path.flush();
      path.stopRetries();
    }
    ingresses.forEach(MqttIngress::close);
    if (progress != null) {
      progress.shutdownNow();
    }
    if (path != null) {
      path.close();
    }
    log.info(
        "gateway stopped ({} messages received, {} unacknowledged left with the broker)",
        metrics.receivedCount(),
        metrics.inFlight());
  }

  private static void awaitQuietly(ExecutorService executor) {
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
