package org.tugai.bench.soak;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.tugai.core.geo.Countries;
import org.tugai.schemas.MqttTopics;

/**
 * Collars and camera traps publishing QoS 1 at a steady rate, as a field would through a broker
 * that restarts: each message's natural key is recorded when it is sent and again when the broker
 * acknowledged it, so the verifier can tell lost (acknowledged, not stored) from never
 * acknowledged. One message in 1,000 is deliberately bad.
 *
 * <p>The load keeps the device contract of docs/devices.md: a PUBACK with reason 0x10 (no matching
 * subscribers) means no gateway was subscribed to take the message, and the broker dropped it; the
 * device keeps the message and sends it again a second later. Mosquitto answers so after its own
 * restart, until a gateway of a shared subscription has reconnected. Only a PUBACK 0x00 counts as
 * acknowledged.
 *
 * <p>With crossers, one collar in ten walks to and fro across the Panj (the Tajik-Afghan border) at
 * about 4 km/h, an hour on each side: crossings, their revisions and crossing notices for the
 * verifier to check.
 */
final class FieldLoad implements AutoCloseable {

  static final String COLLAR = "SOAK-C";
  static final String CAMERA = "SOAK-T";
  static final String BAD = "SOAKBAD-";

  final Set<String> fixesSent = ConcurrentHashMap.newKeySet();
  final Set<String> fixesAcked = ConcurrentHashMap.newKeySet();
  final Set<String> eventsSent = ConcurrentHashMap.newKeySet();
  final Set<String> eventsAcked = ConcurrentHashMap.newKeySet();
  final AtomicLong badSent = new AtomicLong();
  final AtomicLong badAcked = new AtomicLong();
  final AtomicLong refusedByClient = new AtomicLong();

  /** PUBACK 0x10: the broker took the message but had no subscriber for it (it is gone). */
  final Set<String> noSubscribers = ConcurrentHashMap.newKeySet();

  /** When each message was acknowledged, to place a lost one among the faults. */
  final Map<String, Instant> ackedAt = new ConcurrentHashMap<>();

  private final int collars;
  private final int cameras;
  private final int ratePerSecond;
  private final Instant base;
  private final String url;
  private final MqttConnectionOptions options = new MqttConnectionOptions();
  private volatile MqttAsyncClient client;

  /** Since when the client has been without its connection; null while connected. */
  private Instant disconnectedSince;

  /** Clients replaced after failing to reconnect on their own. */
  final AtomicLong replacedClients = new AtomicLong();

  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-load"));
  private long sequence;

  /** Latitude of the border on each crosser's meridian; NaN for the collars that stay put. */
  private final double[] borderLat;

  private final double[] lonOf;

  FieldLoad(String url, int collars, int cameras, int ratePerSecond) throws MqttException {
    this(url, collars, cameras, ratePerSecond, false);
  }

  FieldLoad(String url, int collars, int cameras, int ratePerSecond, boolean crossers)
      throws MqttException {
    this.collars = collars;
    this.borderLat = new double[collars];
    this.lonOf = new double[collars];
    Countries countries = crossers ? Countries.load(Countries.SHIPPED) : null;
    for (int c = 0; c < collars; c++) {
      borderLat[c] = Double.NaN;
      if (crossers && isCrosser(c)) {
        lonOf[c] = 68.25 + 0.40 * c / collars;
        double lon = lonOf[c];
        borderLat[c] =
            countries
                .crossingPoint(37.30, lon, 36.90, lon, "TJK")
                .map(p -> p.y)
                .orElseThrow(
                    () -> new IllegalStateException("no TJK/AFG border on the meridian " + lon));
      }
    }
    this.cameras = cameras;
    this.ratePerSecond = ratePerSecond;
    // Simulated time runs a minute per message per device, from a month ago: always inside the
    // gateway's window.
    this.base = Instant.now().minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MINUTES);
    this.url = url;
    options.setCleanStart(false);
    options.setSessionExpiryInterval(3600L);
    options.setAutomaticReconnect(true);
    options.setAutomaticReconnectDelay(1, 5);
    options.setReceiveMaximum(65_535);
    client = new MqttAsyncClient(url, clientId(), new MemoryPersistence());
    client.connect(options).waitForCompletion(30_000);
  }

  private static String clientId() {
    return "soak-field-" + ProcessHandle.current().pid();
  }

  /**
   * A client still without its connection 15 s after losing it is replaced by a new one with the
   * same id, as a device restarts its modem: after a Mosquitto restart, Paho's own reconnect was
   * seen to fail for good.
   */
  private void watchConnection() {
    MqttAsyncClient current = client;
    if (current.isConnected()) {
      disconnectedSince = null;
      return;
    }
    Instant now = Instant.now();
    if (disconnectedSince == null) {
      disconnectedSince = now;
    } else if (Duration.between(disconnectedSince, now).toSeconds() >= 15) {
      disconnectedSince = now;
      replacedClients.incrementAndGet();
      System.out.println(
          "soak: the field's MQTT client has not reconnected in 15 s; a new one takes over");
      closeQuietly(current);
      try {
        MqttAsyncClient fresh = new MqttAsyncClient(url, clientId(), new MemoryPersistence());
        fresh.connect(options);
        client = fresh;
      } catch (MqttException e) {
        System.out.println("soak: a new MQTT client for the field failed: " + e);
      }
    }
  }

  static boolean isCrosser(int collar) {
    return collar % 10 == 0;
  }

  void start() {
    int perTick = Math.max(1, ratePerSecond / 50);
    ticker.scheduleAtFixedRate(
        () -> {
          for (int i = 0; i < perTick; i++) {
            publishNext();
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    ticker.scheduleWithFixedDelay(this::watchConnection, 1, 1, TimeUnit.SECONDS);
  }

  private void publishNext() {
    long n = sequence++;
    if (n % 1000 == 999) {
      String id = BAD + n;
      send(
          MqttTopics.collarFixes(id),
          "{\"collarId\":\"" + id + "\",\"fixTime\":\"" + base + "\",\"lat\":999,\"lon\":68.1}",
          null,
          null,
          id,
          true);
      return;
    }
    if (cameras > 0 && n % 10 == 9) {
      String camera = CAMERA + (n % cameras);
      String event = "e" + n;
      Instant t = base.plusSeconds(n / 10);
      send(
          MqttTopics.cameraDetections(camera),
          String.format(
              Locale.ROOT,
              "{\"cameraId\":\"%s\",\"eventId\":\"%s\","
                  + "\"capturedAt\":\"%s\",\"media\":[\"IMG_%d.JPG\"],\"detections\":[{\"class\":\"animal\",\"confidence\":0.8}]}",
              camera,
              event,
              t,
              n),
          eventsSent,
          eventsAcked,
          camera + "/" + event);
      return;
    }
    int c = (int) (n % collars);
    String collar = COLLAR + c;
    long k = n / collars;
    Instant t = base.plusSeconds(60L * k);
    double lat = 37.30 + 0.001 * Math.sin(n / 97.0) + c * 1e-4;
    double lon = 68.10 + 0.001 * Math.cos(n / 89.0);
    if (!Double.isNaN(borderLat[c])) {
      // 1.3 km either side of the border, a period of two hours of fixes a minute apart: about 4
      // km/h at the river.
      lat = borderLat[c] + 0.012 * Math.sin(2 * Math.PI * (k + c) / 120.0);
      lon = lonOf[c];
    }
    send(
        MqttTopics.collarFixes(collar),
        String.format(
            Locale.ROOT,
            "{\"collarId\":\"%s\",\"fixTime\":\"%s\",\"lat\":%.6f,"
                + "\"lon\":%.6f,\"fixType\":\"3D\",\"hdop\":1.0,\"satellites\":8}",
            collar,
            t,
            lat,
            lon),
        fixesSent,
        fixesAcked,
        collar + "@" + t.toEpochMilli());
  }

  private void send(String topic, String json, Set<String> sent, Set<String> acked, String key) {
    send(topic, json, sent, acked, key, false);
  }

  private void send(
      String topic, String json, Set<String> sent, Set<String> acked, Object key, boolean bad) {
    MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    try {
      if (bad) {
        if (!noSubscribers.contains(String.valueOf(key))) {
          badSent.incrementAndGet();
        }
      } else {
        sent.add((String) key);
      }
      client.publish(
          topic,
          m,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int[] codes = token.getReasonCodes();
              if (codes != null && codes.length > 0 && codes[0] == 0x10) {
                noSubscribers.add(String.valueOf(key));
                try {
                  ticker.schedule(
                      () -> send(topic, json, sent, acked, key, bad), 1, TimeUnit.SECONDS);
                } catch (RejectedExecutionException stopped) {
                  // The load has stopped: this message stays unacknowledged, which the verifier
                  // does not count as lost.
                }
                return;
              }
              if (codes == null || codes.length == 0 || codes[0] < 0x80) {
                if (bad) {
                  badAcked.incrementAndGet();
                } else {
                  acked.add((String) key);
                  ackedAt.put((String) key, Instant.now());
                }
              }
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              // Not acknowledged: it may or may not arrive; the verifier does not count it as lost.
            }
          });
    } catch (MqttException notConnected) {
      // The broker is away (restarting): this message was never handed over.
      refusedByClient.incrementAndGet();
      if (bad) {
        badSent.decrementAndGet();
      } else {
        sent.remove(key);
      }
    }
  }

  void stop() {
    // Resends of 0x10 answers already scheduled still go: a device keeps what it could not deliver.
    ticker.shutdown();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    closeQuietly(client);
  }

  /**
   * Disconnects and closes {@code client} even while it is reconnecting (after a broker restart it
   * may still be).
   */
  static void closeQuietly(MqttAsyncClient client) {
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(10_000);
      }
    } catch (MqttException e) {
      // Closing anyway, below.
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      System.out.println(
          "soak: MQTT client " + client.getClientId() + " did not close cleanly: " + e);
    }
  }
}
