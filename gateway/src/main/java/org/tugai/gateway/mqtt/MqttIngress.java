package org.tugai.gateway.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.config.MqttSettings;

/**
 * One MQTT 5 source: a persistent session (clean start false, session expiry), QoS 1 subscriptions
 * and manual acknowledgements, so the broker keeps every message until the handler says Kafka has
 * it. The receive maximum bounds how many unacknowledged messages the broker sends us at once.
 */
public final class MqttIngress implements AutoCloseable {

  /**
   * Receives each message; calls {@code ack} when it is safe to acknowledge (possibly on another
   * thread).
   */
  @FunctionalInterface
  public interface Handler {
    void onMessage(String topic, byte[] payload, Runnable ack);
  }

  private static final Logger log = LoggerFactory.getLogger(MqttIngress.class);

  private final String name;
  private final MqttSettings settings;
  private final String clientId;
  private final List<String> filters;
  private final Duration sessionExpiry;
  private final int receiveMaximum;
  private final Handler handler;
  private final SessionTakeovers takeovers;

  /**
   * Bumped on every (re)connect: an ack for a message of an earlier connection is dropped, the
   * broker redelivers it.
   */
  private final AtomicInteger connection = new AtomicInteger();

  private volatile boolean closing;
  private MqttAsyncClient client;

  public MqttIngress(
      String name,
      MqttSettings settings,
      String clientId,
      List<String> filters,
      Duration sessionExpiry,
      int receiveMaximum,
      SessionTakeovers takeovers,
      Handler handler) {
    this.name = name;
    this.settings = settings;
    this.clientId = clientId;
    this.filters = List.copyOf(filters);
    this.sessionExpiry = sessionExpiry;
    this.receiveMaximum = receiveMaximum;
    this.handler = handler;
    this.takeovers = takeovers;
    takeovers.register(connectionName());
  }

  private String connectionName() {
    return "source '" + name + "'";
  }

  public void start(Duration connectTimeout)
      throws MqttException, IOException, GeneralSecurityException {
    client = new MqttAsyncClient(settings.url(), clientId, new MemoryPersistence());
    client.setManualAcks(true);
    client.setCallback(new Callback());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(false);
    options.setSessionExpiryInterval(sessionExpiry.toSeconds());
    options.setAutomaticReconnect(true);
    options.setAutomaticReconnectDelay(1, 30);
    options.setReceiveMaximum(receiveMaximum);
    options.setKeepAliveInterval(30);
    options.setConnectionTimeout((int) Math.max(1, connectTimeout.toSeconds()));
    settings.username().ifPresent(options::setUserName);
    settings.password().ifPresent(p -> options.setPassword(p.getBytes(StandardCharsets.UTF_8)));
    if (settings.caFile().isPresent()) {
      options.setSocketFactory(TrustedCa.socketFactory(settings.caFile().get()));
    }
    IMqttToken token = client.connect(options);
    token.waitForCompletion(connectTimeout.toMillis() + 1_000);
    log.info(
        "MQTT source '{}' connected to {} as {} (session present: {}, receive maximum {}, session expiry {})",
        name,
        settings.url(),
        clientId,
        token.getSessionPresent(),
        receiveMaximum,
        sessionExpiry);
  }

  private void subscribe() {
    MqttSubscription[] subscriptions =
        filters.stream().map(f -> new MqttSubscription(f, 1)).toArray(MqttSubscription[]::new);
    try {
      client.subscribe(subscriptions).waitForCompletion(10_000);
      log.info("MQTT source '{}' subscribed to {} at QoS 1", name, filters);
    } catch (MqttException e) {
      log.error("MQTT source '{}' cannot subscribe to {}: {}", name, filters, e.toString());
    }
  }

  private final class Callback implements MqttCallback {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      connection.incrementAndGet();
      if (reconnect) {
        log.info("MQTT source '{}' reconnected to {}", name, serverUri);
      }
      // Subscriptions live in the persistent session, but the first connect (or an expired session)
      // has none.
      new Thread(MqttIngress.this::subscribe, "mqtt-subscribe-" + name).start();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      if (closing) {
        return; // not acknowledged: the broker keeps it for the next session
      }
      int id = message.getId();
      int qos = message.getQos();
      int generation = connection.get();
      handler.onMessage(topic, message.getPayload(), () -> acknowledge(id, qos, generation));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      if (!closing) {
        log.warn(
            "MQTT source '{}' lost its connection ({}); reconnecting, unacknowledged messages will be redelivered",
            name,
            response);
        takeovers.disconnected(connectionName(), clientId, response);
      }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      log.warn("MQTT source '{}': {}", name, exception.toString());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }

  private void acknowledge(int messageId, int qos, int generation) {
    if (qos == 0 || generation != connection.get()) {
      return;
    }
    try {
      client.messageArrivedComplete(messageId, qos);
    } catch (MqttException e) {
      log.debug(
          "could not acknowledge message {} (it will be redelivered): {}", messageId, e.toString());
    }
  }

  /**
   * Stops taking messages; those not yet acknowledged stay with the broker for the next session.
   */
  public void stopIntake() {
    closing = true;
  }

  @Override
  public void close() {
    closing = true;
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect(5_000).waitForCompletion(6_000);
      }
    } catch (MqttException e) {
      log.debug("MQTT disconnect: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("MQTT close: {}", e.toString());
    }
  }
}
