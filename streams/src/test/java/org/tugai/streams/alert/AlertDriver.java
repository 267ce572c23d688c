package org.tugai.streams.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.tugai.avro.Alert;
import org.tugai.avro.AlertAck;
import org.tugai.avro.AlertType;
import org.tugai.avro.CameraEvent;
import org.tugai.avro.Crossing;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Deployment;
import org.tugai.avro.Detection;
import org.tugai.avro.DetectionClass;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.Settings;
import org.tugai.schemas.Topics;
import org.tugai.streams.StreamsApplication;
import org.tugai.streams.StreamsServiceConfig;
import org.tugai.streams.TestGeodata;

/**
 * The whole streams topology under a TopologyTestDriver, with helpers to feed it field data and
 * read the alerts.
 */
final class AlertDriver implements AutoCloseable {

  static final String DEER = "Cervus elaphus bactrianus";

  final Topics topics = Topics.standard();
  final TopologyTestDriver driver;
  private final TestInputTopic<String, Fix> fixes;
  private final TestInputTopic<String, CameraEvent> detections;
  private final TestInputTopic<String, Deployment> deployments;
  private final TestInputTopic<String, Crossing> crossings;
  private final TestInputTopic<String, AlertAck> acks;
  private final TestOutputTopic<String, Alert> alerts;
  private final TestOutputTopic<String, DeadLetter> deadLetters;
  private final List<Alert> seen = new ArrayList<>();
  private int events;

  AlertDriver(Map<String, String> settings, Instant wallClock) {
    Map<String, String> all = new HashMap<>(settings);
    all.put("kafka.bootstrap-servers", "unused:9092");
    StreamsServiceConfig config = StreamsServiceConfig.from(Settings.of(all));
    Properties props = config.streamsProperties(topics.deadLetters().name());
    driver =
        new TopologyTestDriver(
            StreamsApplication.build(topics, config, TestGeodata.SHIPPED), props, wallClock);
    StringSerializer keys = new StringSerializer();
    fixes =
        driver.createInputTopic(
            topics.fixes().name(), keys, topics.fixes().valueSerde().serializer());
    detections =
        driver.createInputTopic(
            topics.detections().name(), keys, topics.detections().valueSerde().serializer());
    deployments =
        driver.createInputTopic(
            topics.deployments().name(), keys, topics.deployments().valueSerde().serializer());
    crossings =
        driver.createInputTopic(
            topics.crossings().name(), keys, topics.crossings().valueSerde().serializer());
    acks =
        driver.createInputTopic(
            topics.alertAcks().name(), keys, topics.alertAcks().valueSerde().serializer());
    alerts =
        driver.createOutputTopic(
            topics.alerts().name(),
            topics.alerts().keySerde().deserializer(),
            topics.alerts().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            topics.deadLetters().keySerde().deserializer(),
            topics.deadLetters().valueSerde().deserializer());
  }

  AlertDriver(Instant wallClock) {
    this(Map.of(), wallClock);
  }

  void deployCollar(String collar, String animal, Instant on, Integer expectedIntervalS) {
    Deployment d =
        Deployment.newBuilder()
            .setDeploymentId("dep-" + collar)
            .setDeviceId(collar)
            .setDeviceType(DeviceType.COLLAR)
            .setAnimalId(animal)
            .setSpecies(DEER)
            .setSex("f")
            .setPopulation("Tj1")
            .setDeployOn(on)
            .setExpectedIntervalS(expectedIntervalS)
            .build();
    deployments.pipeInput(d.getDeploymentId(), d, on);
  }

  void deployCamera(String camera, double lat, double lon, Instant on, Integer expectedIntervalS) {
    Deployment d =
        Deployment.newBuilder()
            .setDeploymentId("dep-" + camera)
            .setDeviceId(camera)
            .setDeviceType(DeviceType.CAMERA)
            .setSiteId("site-" + camera)
            .setLat(lat)
            .setLon(lon)
            .setDeployOn(on)
            .setExpectedIntervalS(expectedIntervalS)
            .build();
    deployments.pipeInput(d.getDeploymentId(), d, on);
  }

  static Fix.Builder fix(String collar, Instant time, double lat, double lon) {
    return Fix.newBuilder()
        .setCollarId(collar)
        .setFixTime(time)
        .setLat(lat)
        .setLon(lon)
        .setFixType(FixType.THREE_D)
        .setHdop(1.0)
        .setSatellites(9)
        .setReceivedAt(time.plusSeconds(20))
        .setSource("test");
  }

  void pipe(Fix fix) {
    fixes.pipeInput(fix.getCollarId(), fix, fix.getFixTime());
  }

  void pipe(Fix.Builder fix) {
    pipe(fix.build());
  }

  static Detection detection(DetectionClass category, String species, double confidence) {
    return Detection.newBuilder()
        .setCategory(category)
        .setSpecies(species)
        .setConfidence(confidence)
        .setBbox(List.of(0.1, 0.2, 0.3, 0.4))
        .setCount(1)
        .build();
  }

  CameraEvent event(String camera, Instant at, Detection... found) {
    String id = "evt-" + (++events);
    CameraEvent e =
        CameraEvent.newBuilder()
            .setCameraId(camera)
            .setEventId(id)
            .setCapturedAt(at)
            .setMedia(List.of(id + ".jpg"))
            .setModel("MDv5a")
            .setDetections(List.of(found))
            .setReceivedAt(at.plusSeconds(5))
            .setSource("test")
            .build();
    detections.pipeInput(camera, e, at);
    return e;
  }

  void pipe(CameraEvent e) {
    detections.pipeInput(e.getCameraId(), e, e.getCapturedAt());
  }

  void pipe(Crossing c) {
    crossings.pipeInput(c.getCrossingId(), c, c.getAfterFixTime());
  }

  void ack(String alertId, String by, String note, Instant at) {
    acks.pipeInput(
        alertId,
        AlertAck.newBuilder()
            .setAlertId(alertId)
            .setBy(by)
            .setNote(note)
            .setAt(at)
            .setSource("test")
            .build(),
        at);
  }

  void ack(AlertAck ack) {
    acks.pipeInput(ack.getAlertId(), ack, ack.getAt());
  }

  void advanceWallClock(Duration d) {
    driver.advanceWallClockTime(d);
  }

  /** Every alert record sent so far, in order. */
  List<Alert> records() {
    seen.addAll(alerts.readValuesToList());
    return List.copyOf(seen);
  }

  /** The latest record of each alert id, in order of first appearance. */
  Map<String, Alert> latest() {
    Map<String, Alert> map = new LinkedHashMap<>();
    records().forEach(a -> map.put(a.getAlertId(), a));
    return map;
  }

  List<Alert> latest(AlertType type) {
    return latest().values().stream().filter(a -> a.getType() == type).toList();
  }

  List<DeadLetter> deadLetters() {
    return deadLetters.readValuesToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
