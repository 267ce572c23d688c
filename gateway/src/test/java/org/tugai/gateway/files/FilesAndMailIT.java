package org.tugai.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.activation.DataHandler;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.avro.DeadLetter;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.avro.Fix;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.embedded.KafkaBrokerProcess;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.gateway.GatewayConfig;
import org.tugai.gateway.GatewayService;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

/**
 * Vendors' files through a live gateway and a real Kafka: dropped into the inbox folder, and mailed
 * to a real IMAP server (GreenMail) as the Iridium gateway and vendors' services mail them. A file
 * or message is done only once Kafka has its fixes; what cannot be read is kept (failed/, a flagged
 * message) and dead-lettered with the reason.
 */
@ExtendWith(TugaiInfrastructure.class)
class FilesAndMailIT {

  private static final String IMEI = "300234010753370";
  @TempDir Path dir;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private GatewayService start(
      Infrastructure infra,
      Topics topics,
      String prefix,
      Map<String, String> extra,
      Deployment... deployments)
      throws Exception {
    return start(
        infra.kafkaBootstrapServers(), infra.mqttUrl(), topics, prefix, extra, deployments);
  }

  private GatewayService start(
      String bootstrap,
      String mqttUrl,
      Topics topics,
      String prefix,
      Map<String, String> extra,
      Deployment... deployments)
      throws Exception {
    Map<String, String> s =
        new HashMap<>(
            Map.of(
                "kafka.bootstrap-servers",
                bootstrap,
                "kafka.topic-prefix",
                prefix,
                "mqtt.url",
                mqttUrl,
                "gateway.client-id",
                Infrastructure.uniqueName("gw"),
                "gateway.alerts-out",
                "false",
                "gateway.unknown-devices",
                "accept"));
    s.putAll(extra);
    GatewayConfig config = GatewayConfig.from(Settings.of(s));
    TopicAdmin.ensure(config.kafka(), List.of(topics.deployments()));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (Deployment d : deployments) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.deployments().name(),
                    d.getDeploymentId(),
                    topics
                        .deployments()
                        .valueSerde()
                        .serializer()
                        .serialize(topics.deployments().name(), d)))
            .get();
      }
    }
    GatewayService gateway = new GatewayService(config, meters, Clock.systemUTC());
    gateway.start();
    return gateway;
  }

  @Test
  void filesDroppedIntoTheInboxAreImportedOnceAndUnreadableOnesKept(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("inbox") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    for (String name :
        List.of("vectronic-gps-plus-x.csv", "lotek-web-service.csv", "telonics-complete.csv")) {
      drop(inbox, name, VendorFormatTest.resource(name).getBytes(StandardCharsets.UTF_8));
    }
    drop(
        inbox, "notes.txt", "the collar on deer 7 was replaced\n".getBytes(StandardCharsets.UTF_8));
    GatewayService gateway =
        start(
            infra,
            topics,
            prefix,
            Map.of(
                "gateway.inbox.dir",
                inbox.toString(),
                "gateway.inbox.poll-every",
                "200ms",
                "gateway.inbox.settle",
                "0s"));
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  listing(inbox.resolve(Inbox.DONE)).size() == 3
                      && listing(inbox.resolve(Inbox.FAILED)).contains("notes.txt"));
      assertThat(listing(inbox)).isEmpty();
      assertThat(Files.readString(inbox.resolve(Inbox.FAILED).resolve("notes.txt.reason")))
          .contains("no header of a known vendor format");
      Map<String, Long> byCollar =
          fixes(infra, topics).stream()
              .collect(Collectors.groupingBy(Fix::getCollarId, Collectors.counting()));
      assertThat(byCollar)
          .containsExactlyInAnyOrderEntriesOf(Map.of("34127", 5L, "41877", 4L, "712044A", 6L));
      assertThat(fixes(infra, topics))
          .filteredOn(f -> "1".equals(f.getLocationClass()))
          .singleElement()
          .satisfies(
              f -> assertThat(f.getSource()).isEqualTo("import-telonics:telonics-complete.csv"));
      Map<String, Long> reasons =
          deadLetters(infra, topics).stream()
              .collect(Collectors.groupingBy(DeadLetter::getReasonCode, Collectors.counting()));
      assertThat(reasons)
          .containsExactlyInAnyOrderEntriesOf(Map.of("malformed-row", 3L, "unreadable-file", 1L));
      assertThat(deadLetters(infra, topics))
          .filteredOn(d -> d.getReasonCode().equals("malformed-row"))
          .extracting(DeadLetter::getReason)
          .anySatisfy(r -> assertThat(r).startsWith("line 32: GPS Latitude"));

      // The same export dropped again (a sync job that copies everything every night): moved along,
      // nothing sent again.
      drop(
          inbox,
          "telonics-again.csv",
          VendorFormatTest.resource("telonics-complete.csv").getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(30)).until(() -> listing(inbox).isEmpty());
      assertThat(listing(inbox.resolve(Inbox.DONE))).contains("telonics-again.csv");
      assertThat(fixes(infra, topics)).hasSize(15);
    } finally {
      gateway.close();
    }
  }

  @Test
  void mailedSbdMessagesAndExportsAreReadAndAMessageNoOneCanReadStaysFlagged(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("mail") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    String collar = Infrastructure.uniqueName("IRM");
    GreenMail mail =
        new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    mail.start();
    GreenMailUser user = mail.setUser("collars@tugai.test", "collars", "imap-secret");
    Instant session = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    Instant fixTime = session.minus(10, ChronoUnit.MINUTES);
    byte[] sbd =
        ByteBuffer.allocate(16)
            .putInt((int) fixTime.getEpochSecond())
            .putInt(375_012_340)
            .putInt(682_510_099)
            .putShort((short) 388)
            .put((byte) 12)
            .put((byte) ((8 << 3) | (3 << 1)))
            .array();
    user.deliver(
        message(
            "sbdservice@sbd.iridium.com",
            "SBD Msg From Unit: " + IMEI,
            "MOMSN: 12\nMTMSN: 0\nTime of Session (UTC): "
                + DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC)
                    .format(session)
                + "\nSession Status: 00 - Transfer OK\nMessage Size (bytes): 16\n\nUnit Location: Lat = 37.50 Long = 68.25\nCEPradius = 3\n",
            IMEI + "_000012.sbd",
            sbd));
    user.deliver(
        message(
            "reports@telonics.example",
            "Telonics data 712044A",
            "Attached.",
            "712044A Complete.csv",
            VendorFormatTest.resource("telonics-complete.csv").getBytes(StandardCharsets.UTF_8)));
    user.deliver(message("ranger@tugai.test", "Re: collar data", "Thanks, received.", null, null));
    GatewayService gateway =
        start(
            infra,
            topics,
            prefix,
            Map.of(
                "gateway.imap.url",
                "imap://127.0.0.1:" + mail.getImap().getPort(),
                "gateway.imap.username",
                "collars",
                "gateway.imap.password",
                "imap-secret",
                "gateway.imap.poll-every",
                "300ms"),
            Deployment.newBuilder()
                .setDeploymentId(collar + "@1")
                .setDeviceId(collar)
                .setDeviceType(DeviceType.COLLAR)
                .setDeployOn(Instant.parse("2026-01-01T00:00:00Z"))
                .setImei(IMEI)
                .build());
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  flags(mail).values().stream()
                      .allMatch(
                          f -> f.contains(Flags.Flag.SEEN) || f.contains(Flags.Flag.FLAGGED)));
      Map<String, Flags> flags = flags(mail);
      assertThat(flags.get("SBD Msg From Unit: " + IMEI).contains(Flags.Flag.SEEN)).isTrue();
      assertThat(flags.get("Telonics data 712044A").contains(Flags.Flag.SEEN)).isTrue();
      assertThat(flags.get("Re: collar data").contains(Flags.Flag.FLAGGED)).isTrue();
      assertThat(flags.get("Re: collar data").contains(Flags.Flag.SEEN))
          .as("kept unread for a person")
          .isFalse();
      List<Fix> fixes = fixes(infra, topics);
      assertThat(fixes)
          .filteredOn(f -> f.getCollarId().equals(collar))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.getFixTime()).isEqualTo(fixTime);
                assertThat(f.getDeviceTime()).isEqualTo(session);
                assertThat(f.getLat()).isEqualTo(37.501234);
                assertThat(f.getSource()).isEqualTo("iridium-email:" + IMEI + ":12");
              });
      assertThat(fixes).filteredOn(f -> f.getCollarId().equals("712044A")).hasSize(6);
      assertThat(deadLetters(infra, topics))
          .filteredOn(d -> d.getReasonCode().equals("unreadable-file"))
          .singleElement()
          .satisfies(d -> assertThat(d.getReason()).contains("has no attachment"));
    } finally {
      gateway.close();
      mail.stop();
    }
  }

  @Test
  void aFileOrMailArrivingWhileKafkaIsAwayStaysUntilKafkaHasIt(Infrastructure infra)
      throws Exception {
    String prefix = Infrastructure.uniqueName("away") + ".";
    Topics topics = Topics.of(prefix, SchemaCatalog.released());
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    GreenMail mail =
        new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    mail.start();
    GreenMailUser user = mail.setUser("collars@tugai.test", "collars", "imap-secret");
    try (KafkaBrokerProcess kafka =
        new org.tugai.embedded.KafkaBrokerProcess(dir.resolve("kafka"))) {
      kafka.start();
      GatewayService gateway =
          start(
              kafka.bootstrapServers(),
              infra.mqttUrl(),
              topics,
              prefix,
              Map.of(
                  "gateway.inbox.dir",
                  inbox.toString(),
                  "gateway.inbox.poll-every",
                  "200ms",
                  "gateway.inbox.settle",
                  "0s",
                  "gateway.inbox.confirm-timeout",
                  "2s",
                  "gateway.imap.url",
                  "imap://127.0.0.1:" + mail.getImap().getPort(),
                  "gateway.imap.username",
                  "collars",
                  "gateway.imap.password",
                  "imap-secret",
                  "gateway.imap.poll-every",
                  "300ms",
                  "gateway.imap.confirm-timeout",
                  "2s"));
      try {
        kafka.stop();
        drop(
            inbox,
            "lotek-web-service.csv",
            VendorFormatTest.resource("lotek-web-service.csv").getBytes(StandardCharsets.UTF_8));
        user.deliver(
            message(
                "reports@vectronic.example",
                "Positions 34127",
                "Attached.",
                "34127.csv",
                VendorFormatTest.resource("vectronic-gps-plus-x.csv")
                    .getBytes(StandardCharsets.UTF_8)));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> unconfirmed("inbox") >= 1 && unconfirmed("mail") >= 1);
        assertThat(listing(inbox)).containsExactly("lotek-web-service.csv");
        assertThat(flags(mail).get("Positions 34127").contains(Flags.Flag.SEEN)).isFalse();
        kafka.start();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    listing(inbox).isEmpty()
                        && flags(mail).get("Positions 34127").contains(Flags.Flag.SEEN));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(
                            TopicContents.read(kafka.bootstrapServers(), topics.fixes().name())
                                .stream()
                                .map(
                                    r ->
                                        topics
                                            .fixes()
                                            .valueSerde()
                                            .deserializer()
                                            .deserialize(r.topic(), r.value()))
                                .map(f -> f.getCollarId() + "@" + f.getFixTime())
                                .distinct()
                                .count())
                        .isEqualTo(9));
      } finally {
        gateway.close();
        mail.stop();
      }
    }
  }

  private double unconfirmed(String from) {
    Counter c =
        meters
            .find("tugai.gateway.files")
            .tag("from", from)
            .tag("outcome", "unconfirmed")
            .counter();
    return c == null ? 0 : c.count();
  }

  private static void drop(Path inbox, String name, byte[] bytes) throws Exception {
    Path tmp = inbox.resolveSibling(name + ".part");
    Files.write(tmp, bytes);
    Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(60)));
    Files.move(tmp, inbox.resolve(name));
  }

  private static List<String> listing(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .toList();
    }
  }

  private static MimeMessage message(
      String from, String subject, String body, String attachment, byte[] bytes) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress(from));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("collars@tugai.test"));
    m.setSubject(subject);
    MimeMultipart parts = new MimeMultipart();
    MimeBodyPart text = new MimeBodyPart();
    text.setText(body, "UTF-8");
    parts.addBodyPart(text);
    if (attachment != null) {
      MimeBodyPart file = new MimeBodyPart();
      file.setDataHandler(
          new DataHandler(new ByteArrayDataSource(bytes, "application/octet-stream")));
      file.setFileName(attachment);
      parts.addBodyPart(file);
    }
    m.setContent(parts);
    m.saveChanges();
    return m;
  }

  /** Each message's flags by subject, as a mail client sees them. */
  private static Map<String, Flags> flags(GreenMail mail) throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect("127.0.0.1", mail.getImap().getPort(), "collars", "imap-secret");
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Map<String, Flags> out = new HashMap<>();
      for (Message m : inbox.getMessages()) {
        out.put(m.getSubject(), m.getFlags());
      }
      inbox.close(false);
      return out;
    } finally {
      store.close();
    }
  }

  private static List<Fix> fixes(Infrastructure infra, Topics topics) {
    return TopicContents.read(infra.kafkaBootstrapServers(), topics.fixes().name()).stream()
        .map(r -> topics.fixes().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }

  private static List<DeadLetter> deadLetters(Infrastructure infra, Topics topics) {
    return TopicContents.read(infra.kafkaBootstrapServers(), topics.deadLetters().name()).stream()
        .map(
            r -> topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }
}
