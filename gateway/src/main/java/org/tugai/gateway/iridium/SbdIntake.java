package org.tugai.gateway.iridium;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Fix;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.ack.KafkaForwarder;
import org.tugai.gateway.decode.Decoded;
import org.tugai.gateway.decode.Rejection;
import org.tugai.gateway.decode.SbdDecoder;
import org.tugai.gateway.registry.Deployments;
import org.tugai.gateway.route.MessageRouter;
import org.tugai.schemas.ReasonCodes;

/**
 * Where every Iridium message ends, whichever way it came: the modem's IMEI found in the
 * deployments, the payload decoded by the collar's profile, the fixes (or dead letters) sent to
 * Kafka, and the returned future completed only once Kafka acknowledged all of them. Only then may
 * the sender be told the message is safe.
 *
 * <p>A message re-delivered after its acknowledgement (same IMEI and MOMSN, the confirmation lost
 * on the way) is recognised and confirmed again without being sent twice; one re-delivered before
 * it is sent again, which the fixes' natural key makes harmless downstream.
 */
public final class SbdIntake {

  private static final Logger log = LoggerFactory.getLogger(SbdIntake.class);

  /**
   * MOMSN counts to 65,535 and wraps: a repeat within this much session time is the same message,
   * later a new one.
   */
  private static final Duration SAME_MESSAGE = Duration.ofDays(7);

  private static final int REMEMBERED = 100_000;

  /** What became of one message. */
  public enum Outcome {
    SENT,
    DUPLICATE,
    EMPTY
  }

  private final Deployments deployments;
  private final SbdDecoder decoder;
  private final MessageRouter router;
  private final KafkaForwarder forwarder;
  private final GatewayMetrics metrics;
  private final Clock clock;

  /** IMEI|MOMSN -> session time of messages Kafka has: the newest {@link #REMEMBERED}. */
  private final Map<String, Instant> acknowledged =
      new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > REMEMBERED;
        }
      };

  public SbdIntake(
      Deployments deployments,
      SbdDecoder decoder,
      MessageRouter router,
      KafkaForwarder forwarder,
      GatewayMetrics metrics,
      Clock clock) {
    this.deployments = deployments;
    this.decoder = decoder;
    this.router = router;
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Completes once Kafka has everything the message became; never completes exceptionally for bad
   * input.
   */
  public CompletableFuture<Outcome> accept(SbdMessage message) {
    String key = message.imei() + "|" + message.momsn();
    if (seen(key, message.sessionTime())) {
      metrics.satellite(message.channel(), "duplicate");
      return CompletableFuture.completedFuture(Outcome.DUPLICATE);
    }
    if (message.payload().length == 0) {
      metrics.satellite(message.channel(), "empty");
      return CompletableFuture.completedFuture(Outcome.EMPTY);
    }
    List<ProducerRecord<String, byte[]>> records = records(message);
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    metrics.received();
    forwarder.forward(
        records,
        () -> {
          remember(key, message.sessionTime());
          metrics.satellite(message.channel(), "sent");
          done.complete(Outcome.SENT);
        });
    return done;
  }

  /**
   * A message that breaks its channel's protocol: kept as a dead letter; completes once Kafka has
   * it.
   */
  public CompletableFuture<Outcome> malformed(
      String channel, byte[] bytes, String from, String reason) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    metrics.received();
    metrics.satellite(channel, "malformed");
    forwarder.forward(
        List.of(
            router.deadLetter(
                bytes,
                channel + ":" + from,
                null,
                new Rejection(ReasonCodes.MALFORMED_MESSAGE, reason))),
        () -> done.complete(Outcome.SENT));
    return done;
  }

  /** The sender was not told the message is safe (Kafka too slow): it will come again. */
  public void unconfirmed(String channel) {
    metrics.satellite(channel, "unconfirmed");
  }

  private List<ProducerRecord<String, byte[]>> records(SbdMessage message) {
    Optional<Deployments.SatelliteModem> modem =
        deployments.modem(message.imei(), message.sessionTime());
    if (modem.isEmpty()) {
      log.debug("no deployment names modem {}: dead letter", message.imei());
      return List.of(
          router.deadLetter(
              message.payload(),
              message.source(),
              null,
              new Rejection(
                  ReasonCodes.UNKNOWN_MODEM,
                  "no deployment names Iridium modem "
                      + message.imei()
                      + " (set the deployment's imei)")));
    }
    Decoded<Fix> decoded =
        decoder.decode(
            modem.get().deviceId(),
            modem.get().payloadProfile(),
            message.payload(),
            message.sessionTime(),
            message.source(),
            clock.instant());
    return router.fixes(decoded, message.payload(), message.source());
  }

  private synchronized boolean seen(String key, Instant session) {
    Instant earlier = acknowledged.get(key);
    return earlier != null && Duration.between(earlier, session).abs().compareTo(SAME_MESSAGE) < 0;
  }

  private synchronized void remember(String key, Instant session) {
    acknowledged.put(key, session);
  }
}
