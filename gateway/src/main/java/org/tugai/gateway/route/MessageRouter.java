package org.tugai.gateway.route;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.tugai.avro.AlertAck;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Fix;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.decode.Decoded;
import org.tugai.gateway.decode.Decoders;
import org.tugai.gateway.decode.DeviceTopic;
import org.tugai.gateway.decode.InputLimits;
import org.tugai.gateway.decode.Rejection;
import org.tugai.schemas.DeadLetters;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.TopicSpec;
import org.tugai.schemas.Topics;
import org.tugai.schemas.text.StorableText;

/**
 * Turns one MQTT message into the Kafka records it stands for: valid fixes or camera events, and a
 * dead letter for every part that is not valid. Never throws for bad input and never returns
 * nothing, so every message is accounted for before it is acknowledged.
 */
public final class MessageRouter {

  private final Topics topics;
  private final Decoders decoders;
  private final DeviceCheck devices;
  private final int maxPayloadBytes;
  private final Clock clock;
  private final GatewayMetrics metrics;

  public MessageRouter(
      Topics topics,
      Decoders decoders,
      DeviceCheck devices,
      int maxPayloadBytes,
      Clock clock,
      GatewayMetrics metrics) {
    this.topics = topics;
    this.decoders = decoders;
    this.devices = devices;
    this.maxPayloadBytes = maxPayloadBytes;
    this.clock = clock;
    this.metrics = metrics;
  }

  public List<ProducerRecord<String, byte[]>> route(
      String sourceName, String mqttTopic, byte[] payload) {
    Instant now = clock.instant();
    // The topic is the device's own text too: quoted in sources and reasons only escaped, so a dead
    // letter is always storable.
    String source =
        StorableText.escape(
            sourceName
                + ":"
                + (mqttTopic.length() > 512
                    ? mqttTopic.substring(0, 256)
                        + "..."
                        + mqttTopic.substring(mqttTopic.length() - 256)
                    : mqttTopic));
    Optional<DeviceTopic> device = DeviceTopic.parse(mqttTopic);
    String deviceId = device.map(DeviceTopic::deviceId).orElse(null);
    String idProblem =
        device.isEmpty() || device.get().kind() == DeviceTopic.Kind.ALERT_ACK
            ? null
            : InputLimits.idProblem("the device id in the topic", deviceId);
    if (idProblem != null) {
      return List.of(
          deadLetter(payload, source, null, now, new Rejection(ReasonCodes.INVALID_ID, idProblem)));
    }
    if (payload.length > maxPayloadBytes) {
      return List.of(
          deadLetter(
              payload,
              source,
              deviceId,
              now,
              new Rejection(
                  ReasonCodes.PAYLOAD_TOO_LARGE,
                  "payload of "
                      + payload.length
                      + " bytes exceeds gateway.max-payload-bytes ("
                      + maxPayloadBytes
                      + ")")));
    }
    if (device.isEmpty()) {
      return List.of(
          deadLetter(
              payload,
              source,
              null,
              now,
              new Rejection(
                  ReasonCodes.UNKNOWN_TOPIC,
                  "'" + source + "' is not a device topic this gateway decodes")));
    }
    return switch (device.get().kind()) {
      case COLLAR_FIXES ->
          fixes(decoders.fixes().decode(deviceId, payload, source, now), payload, source, now);
      case TTN_UPLINK ->
          fixes(decoders.ttn().decode(deviceId, payload, source, now), payload, source, now);
      case CHIRPSTACK_UPLINK ->
          fixes(decoders.chirpstack().decode(deviceId, payload, source, now), payload, source, now);
      case CAMERA_DETECTIONS ->
          events(decoders.cameras().decode(deviceId, payload, source, now), payload, source, now);
      case ALERT_ACK ->
          records(
              decoders.acks().decode(device.get(), payload, source, now),
              topics.alertAcks(),
              AlertAck::getAlertId,
              source,
              now);
      case MEGADETECTOR_BATCH ->
          events(
              decoders.megaDetector().decode(deviceId, payload, source, now), payload, source, now);
    };
  }

  /**
   * The records for fixes that came another way than MQTT (a satellite message): checked and
   * dead-lettered alike.
   */
  public List<ProducerRecord<String, byte[]>> fixes(
      Decoded<Fix> decoded, byte[] payload, String source) {
    return fixesWithReasons(decoded, payload, source).records();
  }

  /**
   * What fixes from outside MQTT became: the records (fixes and dead letters), and why each
   * rejected part was rejected.
   */
  public record Routed(List<ProducerRecord<String, byte[]>> records, List<Rejection> rejections) {}

  public Routed fixesWithReasons(Decoded<Fix> decoded, byte[] payload, String source) {
    Decoded<Fix> checked = devices.fixes(decoded, payload);
    return new Routed(
        records(
            checked,
            topics.fixes(),
            Fix::getCollarId,
            StorableText.escape(source),
            clock.instant()),
        checked.rejected().stream().map(Decoded.Part::rejection).toList());
  }

  /** The dead letter for an input that came another way than MQTT and cannot become a record. */
  public ProducerRecord<String, byte[]> deadLetter(
      byte[] payload, String source, String deviceId, Rejection rejection) {
    return deadLetter(payload, StorableText.escape(source), deviceId, clock.instant(), rejection);
  }

  private List<ProducerRecord<String, byte[]>> fixes(
      Decoded<Fix> decoded, byte[] payload, String source, Instant now) {
    Decoded<Fix> checked = devices.fixes(decoded, payload);
    return records(checked, topics.fixes(), Fix::getCollarId, source, now);
  }

  private List<ProducerRecord<String, byte[]>> events(
      Decoded<CameraEvent> decoded, byte[] payload, String source, Instant now) {
    Decoded<CameraEvent> checked = devices.events(decoded, payload);
    return records(checked, topics.detections(), CameraEvent::getCameraId, source, now);
  }

  private <T extends SpecificRecord> List<ProducerRecord<String, byte[]>> records(
      Decoded<T> decoded,
      TopicSpec<String, T> topic,
      Function<T, String> key,
      String source,
      Instant now) {
    List<ProducerRecord<String, byte[]>> out =
        new ArrayList<>(decoded.records().size() + decoded.rejected().size());
    for (T record : decoded.records()) {
      out.add(
          new ProducerRecord<>(
              topic.name(),
              key.apply(record),
              topic.valueSerde().serializer().serialize(topic.name(), record)));
    }
    for (Decoded.Part part : decoded.rejected()) {
      out.add(deadLetter(part.bytes(), source, part.deviceId(), now, part.rejection()));
    }
    return out;
  }

  /**
   * The dead letter standing in for {@code record} (a decoded record Kafka will never take): its
   * bytes, the reason.
   */
  public ProducerRecord<String, byte[]> deadLetterInstead(
      ProducerRecord<String, byte[]> record, String reason) {
    byte[] bytes = record.value() == null ? new byte[0] : record.value();
    return deadLetter(
        bytes,
        "kafka:" + record.topic(),
        record.key(),
        clock.instant(),
        new Rejection(ReasonCodes.KAFKA_REFUSED, reason));
  }

  private ProducerRecord<String, byte[]> deadLetter(
      byte[] payload, String source, String deviceId, Instant now, Rejection rejection) {
    metrics.deadLettered(rejection.code());
    DeadLetter letter =
        DeadLetters.letter(
            "gateway",
            source,
            rejection.code(),
            rejection.reason(),
            deviceId,
            payload,
            maxPayloadBytes,
            now);
    TopicSpec<String, DeadLetter> spec = topics.deadLetters();
    return new ProducerRecord<>(
        spec.name(),
        deviceId == null ? source : deviceId,
        spec.valueSerde().serializer().serialize(spec.name(), letter));
  }
}
