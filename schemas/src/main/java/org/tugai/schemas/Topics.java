package org.tugai.schemas;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertAck;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Crossing;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;

/**
 * The one registry of Kafka topics. Immutable: build one per process with the namespace prefix from
 * configuration (empty in production, unique per test run on a shared broker) and pass it around.
 */
public final class Topics {

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]*");

  private final String prefix;
  private final SchemaCatalog catalog;
  private final TopicSpec<String, Fix> fixes;
  private final TopicSpec<String, CameraEvent> detections;
  private final TopicSpec<String, Deployment> deployments;
  private final TopicSpec<String, Fix> fixesEnriched;
  private final TopicSpec<String, Crossing> crossings;
  private final TopicSpec<String, Alert> alerts;
  private final TopicSpec<String, AlertAck> alertAcks;
  private final TopicSpec<String, Alert> alertUpdates;
  private final TopicSpec<String, Fix> positions;
  private final TopicSpec<String, DeadLetter> deadLetters;
  private final TopicSpec<String, String> schemas;

  private Topics(String prefix, SchemaCatalog catalog) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix may contain only letters, digits, '.', '_' and '-': " + prefix);
    }
    this.prefix = prefix;
    this.catalog = catalog;
    Serde<String> key = Serdes.String();
    fixes =
        new TopicSpec<>(
            prefix + "tugai.fixes.v1",
            key,
            new AvroSerde<>(Fix.class, catalog),
            false,
            "collar fixes as the gateway received them, keyed by collarId");
    detections =
        new TopicSpec<>(
            prefix + "tugai.detections.v1",
            key,
            new AvroSerde<>(CameraEvent.class, catalog),
            false,
            "camera events with their detections, keyed by cameraId");
    deployments =
        new TopicSpec<>(
            prefix + "tugai.deployments.v1",
            key,
            new AvroSerde<>(Deployment.class, catalog),
            true,
            "deployments (device -> animal or site, period), keyed by deploymentId");
    fixesEnriched =
        new TopicSpec<>(
            prefix + "tugai.fixes.enriched.v1",
            key,
            new AvroSerde<>(Fix.class, catalog),
            false,
            "fixes after dedupe, quality flags and enrichment, keyed by collarId: what the store keeps");
    crossings =
        new TopicSpec<>(
            prefix + "tugai.crossings.v1",
            key,
            new AvroSerde<>(Crossing.class, catalog),
            false,
            "confirmed border crossings and their revisions, keyed by crossingId");
    alerts =
        new TopicSpec<>(
            prefix + "tugai.alerts.v1",
            key,
            new AvroSerde<>(Alert.class, catalog),
            false,
            "alerts and their updates, keyed by alertId");
    alertAcks =
        new TopicSpec<>(
            prefix + "tugai.alert-acks.v1",
            key,
            new AvroSerde<>(AlertAck.class, catalog),
            false,
            "rangers' acknowledgements of alerts, keyed by alertId");
    alertUpdates =
        new TopicSpec<>(
            prefix + "tugai.alert-updates.v1",
            key,
            new AvroSerde<>(Alert.class, catalog),
            false,
            "internal: what the alert rules found, keyed by alertId, before the lifecycle merges acknowledgements;"
                + " must have as many partitions as the alert-acks topic");
    positions =
        new TopicSpec<>(
            prefix + "tugai.positions.v1",
            key,
            new AvroSerde<>(Fix.class, catalog),
            true,
            "internal: the latest good fix of each collar, keyed by collarId, for linking camera detections to animals nearby");
    deadLetters =
        new TopicSpec<>(
            prefix + "tugai.deadletter.v1",
            key,
            new AvroSerde<>(DeadLetter.class, catalog),
            false,
            "rejected input with raw bytes, source, reason and time, keyed by device id when known");
    schemas =
        new TopicSpec<>(
            prefix + "tugai.schemas.v1",
            key,
            Serdes.String(),
            true,
            "every writer schema in use, keyed by its fingerprint in hex: lets old readers decode newer writers");
  }

  /** Production topics, reading every released schema version. */
  public static Topics standard() {
    return new Topics("", SchemaCatalog.released());
  }

  public static Topics of(String prefix, SchemaCatalog catalog) {
    return new Topics(prefix, catalog);
  }

  public String prefix() {
    return prefix;
  }

  public SchemaCatalog catalog() {
    return catalog;
  }

  public TopicSpec<String, Fix> fixes() {
    return fixes;
  }

  public TopicSpec<String, CameraEvent> detections() {
    return detections;
  }

  public TopicSpec<String, Deployment> deployments() {
    return deployments;
  }

  public TopicSpec<String, Fix> fixesEnriched() {
    return fixesEnriched;
  }

  public TopicSpec<String, Crossing> crossings() {
    return crossings;
  }

  public TopicSpec<String, Alert> alerts() {
    return alerts;
  }

  public TopicSpec<String, AlertAck> alertAcks() {
    return alertAcks;
  }

  public TopicSpec<String, Alert> alertUpdates() {
    return alertUpdates;
  }

  public TopicSpec<String, Fix> positions() {
    return positions;
  }

  public TopicSpec<String, DeadLetter> deadLetters() {
    return deadLetters;
  }

  public TopicSpec<String, String> schemas() {
    return schemas;
  }

  public List<TopicSpec<String, ?>> all() {
    return List.of(
        fixes,
        detections,
        deployments,
        fixesEnriched,
        crossings,
        alerts,
        alertAcks,
        alertUpdates,
        positions,
        deadLetters,
        schemas);
  }
}
