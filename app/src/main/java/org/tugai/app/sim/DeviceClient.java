package org.tugai.app.sim;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.tugai.core.config.MqttSettings;
import org.tugai.gateway.mqtt.TrustedCa;

/**
 * An MQTT client that publishes as a field device would, with the credentials and CA of {@code
 * mqtt.*}.
 */
public final class DeviceClient {

  private DeviceClient() {}

  public static MqttClient connect(MqttSettings settings, String clientId) throws Exception {
    MqttClient client = new MqttClient(settings.url(), clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setAutomaticReconnect(true);
    // Room for the publishes a fast loop keeps in flight (Paho's default of 10 would stall it).
    options.setReceiveMaximum(1_000);
    settings.username().ifPresent(options::setUserName);
    settings.password().ifPresent(p -> options.setPassword(p.getBytes(StandardCharsets.UTF_8)));
    if (settings.caFile().isPresent()) {
      options.setSocketFactory(TrustedCa.socketFactory(settings.caFile().get()));
    }
    client.connect(options);
    return client;
  }
}
