package org.tugai.gateway.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when another connection takes one of the gateway's MQTT sessions: the broker says so with
 * DISCONNECT reason 0x8E (MQTT 5, "session taken over"), and a broker that says nothing shows it as
 * connections dropped again and again. Either way someone else holds a client id the gateway's
 * persistent session hangs on, and messages the broker acknowledged to devices may go to them: an
 * ERROR line, a metric, and {@code /health} reports the problem for {@link #REPORTED_FOR} after the
 * last one.
 */
public final class SessionTakeovers {

  /** MQTT 5 reason code "Session taken over". */
  public static final int SESSION_TAKEN_OVER = 0x8E;

  static final Duration REPORTED_FOR = Duration.ofMinutes(15);

  /**
   * This many lost connections within {@link #FLAP_WINDOW} count as a takeover a broker did not
   * name.
   */
  static final int FLAPS = 3;

  static final Duration FLAP_WINDOW = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(SessionTakeovers.class);

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Incident> last = new ConcurrentHashMap<>();
  private final Map<String, Deque<Instant>> drops = new ConcurrentHashMap<>();

  private record Incident(Instant at, String problem) {}

  public SessionTakeovers(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * One connection of the gateway was closed by the broker; {@code connection} names it in logs and
   * metrics.
   */
  public void disconnected(String connection, String clientId, MqttDisconnectResponse response) {
    disconnected(connection, clientId, response == null ? -1 : response.getReturnCode());
  }

  void disconnected(String connection, String clientId, int reasonCode) {
    Instant now = clock.instant();
    if (reasonCode == SESSION_TAKEN_OVER) {
      report(
          connection,
          now,
          "MQTT session of "
              + connection
              + " (client id '"
              + clientId
              + "') was taken over by another connection"
              + " (reason 0x8E): a client is using the gateway's client id; if the broker binds client ids to user names"
              + " (use_username_as_clientid), each gateway connection needs its own MQTT user");
      return;
    }
    Deque<Instant> recent = drops.computeIfAbsent(connection, c -> new ArrayDeque<>());
    synchronized (recent) {
      recent.addLast(now);
      while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(FLAP_WINDOW))) {
        recent.removeFirst();
      }
      if (recent.size() >= FLAPS) {
        recent.clear();
        report(
            connection,
            now,
            "MQTT connection of "
                + connection
                + " (client id '"
                + clientId
                + "') was closed "
                + FLAPS
                + " times within "
                + FLAP_WINDOW.toSeconds()
                + " s: another client may be using the gateway's client id");
      }
    }
  }

  private void report(String connection, Instant now, String problem) {
    log.error(problem);
    Counter.builder("tugai.gateway.mqtt.session.takeovers")
        .description("MQTT sessions of the gateway taken over by another connection")
        .tag("connection", connection)
        .register(registry)
        .increment();
    last.put(connection, new Incident(now, problem));
  }

  /** Takeovers within the last {@link #REPORTED_FOR}, one line each: what {@code /health} shows. */
  public List<String> problems() {
    Instant since = clock.instant().minus(REPORTED_FOR);
    List<String> out = new ArrayList<>();
    last.values().stream()
        .filter(i -> i.at().isAfter(since))
        .sorted(Comparator.comparing(Incident::at))
        .forEach(i -> out.add(i.problem()));
    return out;
  }

  /** Registers the counter at zero, so it is scraped before the first takeover. */
  public void register(String connection) {
    Counter.builder("tugai.gateway.mqtt.session.takeovers")
        .description("MQTT sessions of the gateway taken over by another connection")
        .tag("connection", connection)
        .register(registry);
  }
}
