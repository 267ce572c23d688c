package org.tugai.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tugai.schemas.MqttTopics;

/**
 * A ranger's phone for the verifier: subscribed at QoS 1 to every zone's alert topic with a session
 * the broker keeps (Mosquitto's persistence carries it through a restart), recording the id of each
 * alert that arrives.
 */
final class AlertWatch implements AutoCloseable {

  static final String TOPIC = MqttTopics.ALERTS;
  private static final ObjectMapper JSON = new ObjectMapper();

  final Set<String> ids = ConcurrentHashMap.newKeySet();
  final AtomicLong messages = new AtomicLong();
  private final MqttAsyncClient client;

  AlertWatch(String url) throws MqttException {
    client =
        new MqttAsyncClient(
            url, "soak-ranger-" + ProcessHandle.current().pid(), new MemoryPersistence());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) throws IOException {
            messages.incrementAndGet();
            String id = JSON.readTree(message.getPayload()).path("alertId").asText("");
            if (!id.isEmpty()) {
              ids.add(id);
            }
          }

          @Override
          public void connectComplete(boolean reconnect, String serverUri) {
            // Subscribed again on every connection: a session the broker lost (it should not) would
            // otherwise go quiet.
            try {
              client.subscribe(TOPIC, 1);
            } catch (MqttException e) {
              System.out.println("soak: the alert watch could not subscribe: " + e);
            }
          }

          @Override
          public void disconnected(MqttDisconnectResponse response) {}

          @Override
          public void mqttErrorOccurred(MqttException exception) {}

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(false);
    o.setSessionExpiryInterval(7_200L);
    o.setAutomaticReconnect(true);
    o.setAutomaticReconnectDelay(1, 5);
    client.connect(o).waitForCompletion(30_000);
  }

  @Override
  public void close() {
    FieldLoad.closeQuietly(client);
  }
}
