package org.tugai.streams.alert.lifecycle;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertAck;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.DeadLetter;
import org.tugai.schemas.DeadLetters;
import org.tugai.schemas.ReasonCodes;
import org.tugai.schemas.text.StorableText;
import org.tugai.streams.alert.AlertSinks;
import org.tugai.streams.alert.Alerts;

/**
 * The lifecycle of every alert, keyed by alert id: merges what the rules found with what rangers
 * did. An update keeps the id and the first sighting; an acknowledged alert stays acknowledged
 * (with who, when and the note) while the rules keep updating it, until it resolves. An
 * acknowledgement of an alert nobody raised goes to the dead letters, and so does one given on a
 * channel the alert does not go to (a ranger of another zone) or carrying text the store cannot
 * hold. What goes out is always storable: text that slipped in from a device is cleaned here, so no
 * update of an alert can ever be refused by the store and freeze it. Only real changes go out, so a
 * replayed update sends nothing twice.
 */
public final class AlertLifecycleProcessor
    implements Processor<String, SpecificRecord, String, SpecificRecord> {

  public static final String STORE = "alert-state";
  private static final Logger log = LoggerFactory.getLogger(AlertLifecycleProcessor.class);

  private final Duration retainResolved;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, Alert> store;

  public AlertLifecycleProcessor(Duration retainResolved) {
    this.retainResolved = retainResolved;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(
        retainResolved.compareTo(Duration.ofHours(1)) < 0 ? retainResolved : Duration.ofHours(1),
        PunctuationType.WALL_CLOCK_TIME,
        this::forgetOldResolved);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    if (record.value() instanceof Alert update) {
      Alert before = store.get(update.getAlertId());
      Alert merged = Alerts.storable(merge(before, update, now));
      if (Alerts.changed(before, merged)) {
        store.put(merged.getAlertId(), merged);
        context.forward(
            new Record<>(merged.getAlertId(), merged, record.timestamp()), AlertSinks.ALERTS);
      }
    } else if (record.value() instanceof AlertAck ack) {
      Alert before = store.get(ack.getAlertId());
      if (before == null) {
        log.warn(
            "acknowledgement of unknown alert {} by {} from {}",
            ack.getAlertId(),
            ack.getBy(),
            ack.getSource());
        context.forward(
            new Record<>(
                ack.getAlertId(),
                deadLetter(
                    ack,
                    now,
                    ReasonCodes.UNKNOWN_ALERT,
                    "acknowledgement by "
                        + StorableText.clean(ack.getBy())
                        + " names alert "
                        + StorableText.clean(ack.getAlertId())
                        + ", which no rule raised (or it was forgotten)"),
                record.timestamp()),
            AlertSinks.DEAD_LETTERS);
        return;
      }
      if (ack.getAckId() != null && ack.getAckId().equals(before.getAckId())) {
        // The client sent it again (its answer was lost on a weak link): already applied.
        log.info(
            "acknowledgement {} of {} by {} already applied",
            StorableText.clean(ack.getAckId()),
            ack.getAlertId(),
            StorableText.clean(ack.getBy()));
        return;
      }
      Optional<String> refused = refusal(before, ack);
      if (refused.isPresent()) {
        log.warn(
            "acknowledgement of {} by {} refused: {}",
            ack.getAlertId(),
            StorableText.clean(ack.getBy()),
            refused.get());
        context.forward(
            new Record<>(
                ack.getAlertId(),
                deadLetter(ack, now, ReasonCodes.ACK_REFUSED, refused.get()),
                record.timestamp()),
            AlertSinks.DEAD_LETTERS);
        return;
      }
      Alert acked = acknowledge(before, ack, now);
      if (Alerts.changed(before, acked)) {
        store.put(acked.getAlertId(), acked);
        context.forward(
            new Record<>(acked.getAlertId(), acked, record.timestamp()), AlertSinks.ALERTS);
      }
    }
  }

  /** The rules' view, with the rangers' part kept. */
  static Alert merge(Alert before, Alert update, Instant now) {
    if (before == null) {
      return Alert.newBuilder(update).setUpdatedAt(now).build();
    }
    Alert.Builder b =
        Alert.newBuilder(update)
            .setUpdatedAt(now)
            .setFirstSeen(
                before.getFirstSeen().isBefore(update.getFirstSeen())
                    ? before.getFirstSeen()
                    : update.getFirstSeen())
            .setAcknowledgedBy(before.getAcknowledgedBy())
            .setAcknowledgedAt(before.getAcknowledgedAt())
            .setNote(before.getNote())
            .setAcknowledgedVia(before.getAcknowledgedVia())
            .setAckId(before.getAckId());
    if (update.getStatus() == AlertStatus.OPEN && before.getStatus() == AlertStatus.ACKNOWLEDGED) {
      b.setStatus(AlertStatus.ACKNOWLEDGED);
    }
    return b.build();
  }

  /**
   * Why this acknowledgement may not be applied, if it may not: given on a channel the alert does
   * not go to, or with text the store cannot hold (the gateway and the API refuse both; this holds
   * for any other writer).
   */
  static Optional<String> refusal(Alert alert, AlertAck ack) {
    if (ack.getChannel() != null && !ack.getChannel().equals("all")) {
      List<String> routes = alert.getChannels().isEmpty() ? alert.getZones() : alert.getChannels();
      if (!routes.contains(ack.getChannel())) {
        return Optional.of(
            "alert "
                + StorableText.clean(alert.getAlertId())
                + " does not go to channel "
                + StorableText.clean(ack.getChannel())
                + " (it goes to "
                + routes
                + ")");
      }
    }
    return StorableText.problemInName("by", ack.getBy(), 200)
        .or(() -> StorableText.problemInText("note", ack.getNote(), 2_000))
        .or(() -> StorableText.problemInName("via", ack.getVia(), 300))
        .or(() -> StorableText.problemInName("ackId", ack.getAckId(), 100));
  }

  static Alert acknowledge(Alert before, AlertAck ack, Instant now) {
    Alert.Builder b =
        Alert.newBuilder(before)
            .setAcknowledgedBy(ack.getBy())
            .setAcknowledgedAt(ack.getAt())
            .setNote(ack.getNote())
            .setAckId(ack.getAckId())
            .setAcknowledgedVia(
                ack.getVia().isEmpty()
                    ? null
                    : ack.getVia()
                        + (ack.getChannel() == null ? "" : " on channel " + ack.getChannel()))
            .setUpdatedAt(now);
    if (before.getStatus() == AlertStatus.OPEN) {
      b.setStatus(AlertStatus.ACKNOWLEDGED);
    }
    return b.build();
  }

  private static DeadLetter deadLetter(AlertAck ack, Instant now, String code, String reason) {
    byte[] raw = ack.toString().getBytes(StandardCharsets.UTF_8);
    return DeadLetters.letter("streams", ack.getSource(), code, reason, null, raw, now);
  }

  private void forgetOldResolved(long at) {
    Instant horizon = Instant.ofEpochMilli(at).minus(retainResolved);
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Alert> all = store.all()) {
      all.forEachRemaining(
          kv -> {
            if (kv.value != null
                && kv.value.getStatus() == AlertStatus.RESOLVED
                && kv.value.getUpdatedAt().isBefore(horizon)) {
              old.add(kv.key);
            }
          });
    }
    old.forEach(store::delete);
  }
}
