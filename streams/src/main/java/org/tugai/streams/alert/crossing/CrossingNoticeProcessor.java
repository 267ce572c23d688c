package org.tugai.streams.alert.crossing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertType;
import org.tugai.avro.Crossing;
import org.tugai.avro.CrossingStatus;
import org.tugai.avro.Severity;
import org.tugai.streams.alert.AlertSinks;
import org.tugai.streams.alert.Alerts;

/**
 * A notice for every confirmed crossing, on the channels of both countries (their ISO codes) and of
 * the hotspot and population unit it belongs to; a revision updates the notice, a retraction
 * resolves it.
 */
public final class CrossingNoticeProcessor implements Processor<String, Crossing, String, Alert> {

  private ProcessorContext<String, Alert> context;

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Crossing> record) {
    Crossing c = record.value();
    if (c == null) {
      return;
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Alert notice = notice(c, now);
    context.forward(
        new Record<>(notice.getAlertId(), notice, record.timestamp()), AlertSinks.UPDATES);
  }

  public static Alert notice(Crossing c, Instant now) {
    Set<String> zones = new LinkedHashSet<>();
    if (c.getHotspot() != null) {
      zones.add(c.getHotspot());
    }
    if (c.getPopulation() != null) {
      zones.add(c.getPopulation());
    }
    List<String> channels = new ArrayList<>(List.of(c.getFromCountry(), c.getToCountry()));
    channels.addAll(Alerts.channels(new ArrayList<>(zones)));
    boolean retracted = c.getStatus() == CrossingStatus.RETRACTED;
    Alert open =
        Alerts.open(
                "crossing|" + Alerts.clean(c.getCrossingId()),
                AlertType.CROSSING_NOTICE,
                Severity.INFO,
                c.getCrossedAt(),
                c.getAfterFixTime(),
                now)
            .setTitle(
                c.getAnimalId()
                    + " crossed from "
                    + c.getFromCountry()
                    + " into "
                    + c.getToCountry()
                    + (c.getHotspot() == null ? "" : " at " + c.getHotspot()))
            .setLat(c.getCrossingLat() != null ? c.getCrossingLat() : c.getAfterLat())
            .setLon(c.getCrossingLon() != null ? c.getCrossingLon() : c.getAfterLon())
            .setZones(new ArrayList<>(zones))
            .setChannels(channels.stream().distinct().toList())
            .setAnimalId(c.getAnimalId())
            .setDeviceId(c.getCollarId())
            .setEvidence(
                List.of(
                    "crossing:" + c.getCrossingId(),
                    "fix:" + c.getCollarId() + "@" + c.getBeforeFixTime(),
                    "fix:" + c.getCollarId() + "@" + c.getAfterFixTime()))
            .setDetails(
                Map.of(
                    "fromCountry",
                    c.getFromCountry(),
                    "toCountry",
                    c.getToCountry(),
                    "revision",
                    String.valueOf(c.getRevision())))
            .build();
    return retracted
        ? Alerts.resolved(open, "retracted, later fixes show no crossing", c.getAfterFixTime(), now)
        : open;
  }
}
