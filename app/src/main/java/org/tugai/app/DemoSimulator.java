package org.tugai.app;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.tugai.embedded.MqttPublishing;

/**
 * Collared deer for the demo, talking MQTT exactly as collars do: a fix per collar per round, a random
 * walk in tugai forest along the Panj / Amu Darya, and now and then a broken message so the dead-letter
 * path shows too.
 */
final class DemoSimulator implements AutoCloseable {

  private record Deer(String collarId, double[] position) {}

  private final MqttClient client;
  private final List<Deer> herd = new ArrayList<>();
  private final Random random = new Random(7);
  private final Clock clock;
  private int round;
  private long sent;
  private long broken;

  DemoSimulator(String mqttUrl, int collars, Clock clock) throws MqttException {
    this.clock = clock;
    client = new MqttClient(mqttUrl, "tugai-demo-collars", new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setAutomaticReconnect(true);
    client.connect(options);
    for (int i = 0; i < collars; i++) {
      // Around Tigrovaya Balka on the lower Vakhsh / Panj, where Bukhara deer live in tugai forest.
      herd.add(new Deer(String.format("TJ-BD-%03d", 17 + i), new double[] {37.20 + 0.03 * i, 68.30 + 0.02 * i}));
    }
  }

  /** The demo's deployments: each simulated collar on its own deer of the Tj1 population. */
  List<org.tugai.avro.Deployment> deployments(Instant since) {
    List<org.tugai.avro.Deployment> out = new ArrayList<>();
    for (int i = 0; i < herd.size(); i++) {
      String collar = herd.get(i).collarId();
      out.add(org.tugai.avro.Deployment.newBuilder().setDeploymentId(collar + "@demo").setDeviceId(collar)
          .setDeviceType(org.tugai.avro.DeviceType.COLLAR).setAnimalId(String.format("BD-%02d", i + 1))
          .setSpecies("Cervus elaphus bactrianus").setSex(i % 2 == 0 ? "f" : "m").setPopulation("Tj1").setDeployOn(since).build());
    }
    return out;
  }

  /** Publishes one fix per collar; every fifth round also one message the gateway must dead-letter. */
  void round() throws MqttException {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    for (Deer deer : herd) {
      deer.position[0] += (random.nextDouble() - 0.5) * 0.002;
      deer.position[1] += (random.nextDouble() - 0.5) * 0.002;
      String fix = String.format(Locale.ROOT,
          "{\"collarId\":\"%s\",\"fixTime\":\"%s\",\"lat\":%.5f,\"lon\":%.5f,\"hdop\":%.1f,\"satellites\":%d,"
              + "\"fixType\":\"3D\",\"temperatureC\":%.1f,\"batteryV\":%.2f,\"mortality\":false,\"activity\":%d}",
          deer.collarId, now, deer.position[0], deer.position[1], 0.8 + random.nextDouble(), 5 + random.nextInt(6),
          10 + random.nextDouble() * 10, 3.5 + random.nextDouble() * 0.2, random.nextInt(100));
      publish("tugai/v1/collars/" + deer.collarId + "/fixes", fix);
      sent++;
    }
    if (++round % 5 == 0) {
      Deer deer = herd.get(random.nextInt(herd.size()));
      publish("tugai/v1/collars/" + deer.collarId + "/fixes",
          "{\"collarId\":\"" + deer.collarId + "\",\"fixTime\":\"" + now + "\",\"lat\":91.5,\"lon\":68.3}");
      broken++;
    }
  }

  private void publish(String topic, String json) throws MqttException {
    MqttPublishing.publish(client, topic, json.getBytes(StandardCharsets.UTF_8));
  }

  long sent() {
    return sent;
  }

  long broken() {
    return broken;
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    } catch (MqttException e) {
      // Demo shutdown: nothing to do.
    }
  }
}
