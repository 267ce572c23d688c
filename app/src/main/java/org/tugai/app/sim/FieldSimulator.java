package org.tugai.app.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.core.config.MqttSettings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.schemas.MqttTopics;

/**
 * A field station as its hardware behaves, talking MQTT exactly as devices do: collared deer (one
 * of them dies, one collar goes silent, one is a satellite collar whose fixes arrive in late
 * batches) and camera traps in the reserves that see deer, boar and jackals, now and then a dog,
 * and a person, mostly at night. Each {@link #round} is one fix interval of simulated time.
 */
public final class FieldSimulator implements AutoCloseable {

  /**
   * A camera trap: id, site and position (the zone follows from the position, as for real ones).
   */
  public record Camera(String cameraId, String siteId, double lat, double lon) {}

  /** Simulated time between a collar's fixes. */
  public static final long FIX_INTERVAL_MS = Duration.ofMinutes(15).toMillis();

  private static final String[][] WILDLIFE = {
    {"Cervus elaphus bactrianus", "0.91"},
    {"Cervus elaphus bactrianus", "0.86"},
    {"Sus scrofa", "0.88"},
    {"Canis aureus", "0.82"},
    {"Lepus tolai", "0.77"},
    {"Phasianus colchicus", "0.8"}
  };

  private final MqttClient client;
  private final Herd herd;
  private final List<Camera> cameras = new ArrayList<>();
  private final Random random = new Random(11);
  private final Supplier<Instant> simTime;
  private final Herd.Deer dying;
  private final Herd.Deer silent;
  private final Herd.Deer satellite;
  private final List<String> satelliteBacklog = new ArrayList<>();
  private final AtomicLong fixes = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong broken = new AtomicLong();
  private int round;
  private Instant last;

  /** Connects to the broker; {@code simTime} says what time it is in the simulation. */
  public FieldSimulator(MqttSettings mqtt, String clientId, int collars, Supplier<Instant> simTime)
      throws Exception {
    this.simTime = simTime;
    herd = new Herd("TJ-BD", collars, 7);
    List<Herd.Deer> d = herd.deer();
    dying = d.size() > 3 ? d.get(3) : null;
    silent = d.size() > 6 ? d.get(6) : null;
    satellite = d.size() > 9 ? d.get(9) : null;
    cameras.add(new Camera("CT-TJ1-01", "beshai-palangon-north", 37.36, 68.34));
    cameras.add(new Camera("CT-TJ1-02", "beshai-palangon-vakhsh", 37.24, 68.37));
    cameras.add(new Camera("CT-TJ1-03", "beshai-palangon-panj", 37.15, 68.33));
    cameras.add(new Camera("CT-TJ5-01", "zarafshon-reserve-east", 39.51, 67.72));
    cameras.add(new Camera("CT-TJ5-02", "zarafshon-reserve-ford", 39.50, 67.58));
    cameras.add(new Camera("CT-UZ4-03", "zarafshon-park", 39.69, 67.05));
    client = DeviceClient.connect(mqtt, clientId);
  }

  /**
   * The deployments to register (what {@code bin/tugai registry import} does): each collar on its
   * deer, each camera at its site.
   */
  public List<Deployment> deployments(Instant since, Duration realFixInterval) {
    List<Deployment> out = new ArrayList<>();
    for (Herd.Deer d : herd.deer()) {
      // The silence rule runs on the wall clock: the expected interval is the real time between
      // rounds.
      int expected = (int) Math.max(1, realFixInterval.toSeconds() * (d == satellite ? 4 : 1));
      out.add(
          Deployment.newBuilder()
              .setDeploymentId(d.collarId() + "@demo")
              .setDeviceId(d.collarId())
              .setDeviceType(DeviceType.COLLAR)
              .setAnimalId(d.animalId())
              .setSpecies("Cervus elaphus bactrianus")
              .setSex(d.sex())
              .setPopulation(d.population())
              .setDeployOn(since)
              .setExpectedIntervalS(expected)
              .build());
    }
    for (Camera c : cameras) {
      out.add(
          Deployment.newBuilder()
              .setDeploymentId(c.cameraId() + "@demo")
              .setDeviceId(c.cameraId())
              .setDeviceType(DeviceType.CAMERA)
              .setSiteId(c.siteId())
              .setLat(c.lat())
              .setLon(c.lon())
              .setDeployOn(since)
              .build());
    }
    return out;
  }

  /**
   * One fix interval: a fix per collar, camera triggers, now and then a broken message for the dead
   * letters.
   */
  public void round() throws MqttException {
    Instant now = simTime.get().truncatedTo(ChronoUnit.SECONDS);
    if (last != null && !now.isAfter(last)) {
      now = last.plusSeconds(1);
    }
    double minutes = last == null ? 15 : Duration.between(last, now).toSeconds() / 60.0;
    last = now;
    round++;
    for (Herd.Deer d : herd.deer()) {
      if (d == dying && round == 40) {
        herd.kill(d);
      }
      herd.step(d, now, minutes);
      if (d == silent && round > 30) {
        continue;
      }
      String fix = fixJson(d, now);
      if (d == satellite) {
        // Iridium-style: fixes are stored on the collar and uploaded four at a time, an hour late.
        satelliteBacklog.add(fix);
        if (satelliteBacklog.size() == 4) {
          publish(
              MqttTopics.collarFixes(d.collarId()), "[" + String.join(",", satelliteBacklog) + "]");
          fixes.addAndGet(4);
          satelliteBacklog.clear();
        }
        continue;
      }
      publish(MqttTopics.collarFixes(d.collarId()), fix);
      fixes.incrementAndGet();
    }
    for (Camera c : cameras) {
      if (random.nextDouble() < 0.12 || (round == 3 && c == cameras.get(2))) {
        publish(MqttTopics.cameraDetections(c.cameraId()), cameraEvent(c, now));
        events.incrementAndGet();
      }
    }
    if (round % 20 == 0) {
      // A collar with a broken GPS: latitude 91. The gateway dead-letters it with the reason.
      Herd.Deer d = herd.deer().get(random.nextInt(herd.deer().size()));
      publish(
          MqttTopics.collarFixes(d.collarId()),
          "{\"collarId\":\""
              + d.collarId()
              + "\",\"fixTime\":\""
              + now
              + "\",\"lat\":91.5,\"lon\":68.3}");
      broken.incrementAndGet();
    }
  }

  private String fixJson(Herd.Deer d, Instant t) {
    boolean failed = !d.dead() && random.nextDouble() < 0.03;
    if (failed) {
      // Canopy or terrain: the collar woke up but got no position.
      return String.format(
          Locale.ROOT,
          "{\"collarId\":\"%s\",\"fixTime\":\"%s\",\"fixType\":\"none\",\"batteryV\":%.2f}",
          d.collarId(),
          t,
          d.batteryV());
    }
    return String.format(
        Locale.ROOT,
        "{\"collarId\":\"%s\",\"fixTime\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"altitudeM\":%d,\"hdop\":%.1f,\"satellites\":%d,"
            + "\"fixType\":\"3D\",\"temperatureC\":%.1f,\"batteryV\":%.2f,\"mortality\":%s,\"activity\":%d}",
        d.collarId(),
        t,
        d.lat(),
        d.lon(),
        330 + random.nextInt(40),
        0.7 + random.nextDouble() * 1.5,
        5 + random.nextInt(7),
        8 + random.nextDouble() * 14,
        d.batteryV(),
        d.dead(),
        d.dead() ? 0 : (int) (Herd.activity(t, d.lon()) * 90 + random.nextInt(10)));
  }

  private String cameraEvent(Camera c, Instant t) {
    double hour = (t.atOffset(ZoneOffset.UTC).getHour() + c.lon() / 15 + 24) % 24;
    boolean night = hour < 5.5 || hour > 19.5;
    double roll = random.nextDouble();
    String detection;
    if ((roll < 0.05 && night) || roll < 0.01 || round == 3) {
      detection =
          String.format(
              Locale.ROOT,
              "{\"class\":\"person\",\"confidence\":%.2f,\"bbox\":[0.41,0.35,0.12,0.31]}",
              0.8 + random.nextDouble() * 0.19);
    } else if (roll < 0.08) {
      detection =
          "{\"class\":\"animal\",\"species\":\"Canis familiaris\",\"confidence\":0.87,\"count\":"
              + (1 + random.nextInt(3))
              + "}";
    } else {
      String[] animal = WILDLIFE[random.nextInt(WILDLIFE.length)];
      detection =
          "{\"class\":\"animal\",\"species\":\""
              + animal[0]
              + "\",\"confidence\":"
              + animal[1]
              + ",\"count\":"
              + (1 + random.nextInt(3))
              + "}";
    }
    String eventId = c.cameraId() + "-" + t.toString().replaceAll("[^0-9]", "").substring(0, 12);
    return "{\"cameraId\":\""
        + c.cameraId()
        + "\",\"eventId\":\""
        + eventId
        + "\",\"capturedAt\":\""
        + t
        + "\",\"media\":[\""
        + eventId
        + "-1.JPG\",\""
        + eventId
        + "-2.JPG\"],\"model\":\"MDv5a\",\"detections\":["
        + detection
        + "]}";
  }

  private void publish(String topic, String json) throws MqttException {
    MqttPublishing.publish(client, topic, json.getBytes(StandardCharsets.UTF_8));
  }

  public List<Camera> cameras() {
    return cameras;
  }

  public long fixesSent() {
    return fixes.get();
  }

  public long cameraEventsSent() {
    return events.get();
  }

  public long brokenSent() {
    return broken.get();
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    } catch (MqttException e) {
      // Shutting down: nothing more to send.
    }
  }
}
