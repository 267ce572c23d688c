package org.tugai.gateway.files;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FlagTerm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.gateway.GatewayMetrics;
import org.tugai.gateway.iridium.SbdIntake;
import org.tugai.gateway.iridium.SbdMessage;
import org.tugai.schemas.Channels;

/**
 * An IMAP mailbox the collars' data is mailed to: the Iridium gateway's SBD e-mails ({@code
 * IMEI_MOMSN.sbd} attachments) and vendors' services that mail export files. Unread, unflagged
 * messages are taken; a message is marked read only once Kafka has everything its attachments
 * became. One that cannot be read (no attachment Tugai knows, an attachment in no known format) is
 * never lost: it stays in the mailbox, flagged for a person, the reason logged and its bytes
 * dead-lettered. Kafka too slow leaves the message unread for the next poll. Bodies are read with
 * IMAP's peek, so reading alone never marks a message read.
 */
public final class Mailbox implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  /** {@code 300234010753370_000123.sbd}: the Iridium gateway's naming. */
  private static final Pattern SBD_NAME =
      Pattern.compile("(\\d{15})_(\\d{1,6})\\.sbd", Pattern.CASE_INSENSITIVE);

  private static final Pattern SESSION_TIME = Pattern.compile("Time of Session \\(UTC\\):\\s*(.+)");
  private static final DateTimeFormatter IRIDIUM_TIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ENGLISH);

  private final FileSettings.MailboxSettings settings;
  private final FileIntake files;
  private final SbdIntake sbd;
  private final GatewayMetrics metrics;
  private ScheduledExecutorService poller;

  public Mailbox(
      FileSettings.MailboxSettings settings,
      FileIntake files,
      SbdIntake sbd,
      GatewayMetrics metrics) {
    this.settings = settings;
    this.files = files;
    this.sbd = sbd;
    this.metrics = metrics;
  }

  public void start() {
    poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gateway-imap"));
    poller.scheduleWithFixedDelay(
        this::pollSafely, 0, settings.pollEvery().toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "mailbox: reading {} folder {} as {} every {}",
        settings.url(),
        settings.folder(),
        settings.username(),
        settings.pollEvery());
  }

  private void pollSafely() {
    try {
      poll();
    } catch (MessagingException | IOException e) {
      log.warn(
          "mailbox {} cannot be read: {}; trying again in {}",
          settings.url(),
          e.toString(),
          settings.pollEvery());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("mailbox poll failed; trying again in {}", settings.pollEvery(), e);
    }
  }

  /** One pass over the unread, unflagged messages (public for tests that drive it). */
  public void poll() throws MessagingException, IOException, InterruptedException {
    String scheme = settings.url().getScheme();
    Properties p = new Properties();
    p.put("mail.store.protocol", scheme);
    p.put("mail." + scheme + ".peek", "true");
    p.put("mail." + scheme + ".connectiontimeout", "15000");
    p.put("mail." + scheme + ".timeout", "60000");
    Store store = Session.getInstance(p).getStore(scheme);
    int port = settings.url().getPort();
    store.connect(settings.url().getHost(), port, settings.username(), settings.password());
    try {
      Folder folder = store.getFolder(settings.folder());
      folder.open(Folder.READ_WRITE);
      try {
        if (!finishPending((UIDFolder) folder)) {
          return;
        }
        Message[] waiting =
            folder.search(
                new AndTerm(
                    new FlagTerm(new Flags(Flags.Flag.SEEN), false),
                    new FlagTerm(new Flags(Flags.Flag.FLAGGED), false)));
        for (Message m : waiting) {
          if (!take(m, ((UIDFolder) folder).getUID(m))) {
            return;
          }
        }
      } finally {
        folder.close(false);
      }
    } finally {
      store.close();
    }
  }

  /**
   * An attachment larger than this is refused whole (the message stays, flagged), never read in
   * part.
   */
  static final int MAX_ATTACHMENT = 32 * 1024 * 1024;

  /** One attachment; {@code bytes} null when it is larger than {@link #MAX_ATTACHMENT}. */
  private record Attachment(String name, byte[] bytes) {}

  /** A message handed to Kafka whose acknowledgements had not all come when its wait ran out. */
  private record Pending(
      long uid,
      String where,
      CompletableFuture<Void> sent,
      List<String> refused,
      int attachments) {}

  private Pending pending;

  /** False while the pending message is still on its way: nothing else is read meanwhile. */
  private boolean finishPending(UIDFolder folder) throws MessagingException {
    if (pending == null) {
      return true;
    }
    if (!pending.sent().isDone()) {
      return false;
    }
    Pending p = pending;
    pending = null;
    Message m = folder.getMessageByUID(p.uid());
    if (m != null && !p.sent().isCompletedExceptionally()) {
      mark(m, p.where(), p.refused(), p.attachments());
    }
    return true;
  }

  private void mark(Message m, String where, List<String> refused, int attachments)
      throws MessagingException {
    if (refused.isEmpty()) {
      m.setFlag(Flags.Flag.SEEN, true);
      metrics.file("mail", "imported");
      log.info("mailbox: {} imported ({} attachments)", where, attachments);
    } else {
      m.setFlag(Flags.Flag.FLAGGED, true);
      metrics.file("mail", "unreadable");
      refused.forEach(
          r ->
              log.warn(
                  "mailbox: {}; the message stays in the mailbox, flagged, and is kept as a dead letter",
                  r));
    }
  }

  /**
   * False when Kafka did not take the message in time: it stays unread and pending, and nothing
   * more is read.
   */
  private boolean take(Message m, long uid)
      throws MessagingException, IOException, InterruptedException {
    String subject = Optional.ofNullable(m.getSubject()).orElse("(no subject)");
    List<Attachment> attachments = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    collect(m, attachments, body);
    String from =
        m.getFrom() == null || m.getFrom().length == 0 ? "unknown" : m.getFrom()[0].toString();
    String where = "mail " + abbreviate(subject) + " from " + abbreviate(from);
    List<CompletableFuture<?>> sent = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    Instant sentAt = m.getSentDate() == null ? Instant.now() : m.getSentDate().toInstant();
    for (Attachment a : attachments) {
      if (a.bytes() == null) {
        String reason =
            where
                + ": attachment "
                + abbreviate(a.name())
                + " is larger than "
                + MAX_ATTACHMENT / (1024 * 1024)
                + " MB";
        refused.add(reason);
        sent.add(files.unreadable(Channels.MAIL, a.name(), new byte[0], reason));
        continue;
      }
      Matcher sbdName = SBD_NAME.matcher(a.name());
      if (sbdName.matches()) {
        sent.add(
            sbd.accept(
                new SbdMessage(
                    Channels.IRIDIUM_EMAIL,
                    sbdName.group(1),
                    Integer.parseInt(sbdName.group(2)) & 0xFFFF,
                    sessionTime(body.toString()).orElse(sentAt),
                    a.bytes(),
                    Optional.empty())));
        continue;
      }
      String text = VendorText.decode(a.bytes());
      Optional<VendorFormat> format = VendorFormat.detect(text);
      if (format.isPresent()) {
        sent.add(files.submit(a.name(), format.get().parse(text, a.name())));
      } else {
        String reason = where + ": attachment " + abbreviate(a.name()) + " is in no known format";
        refused.add(reason);
        sent.add(files.unreadable(Channels.MAIL, a.name(), a.bytes(), reason));
      }
    }
    if (attachments.isEmpty()) {
      String reason = where + " has no attachment (Iridium .sbd or a vendor export)";
      refused.add(reason);
      sent.add(
          files.unreadable(
              Channels.MAIL, subject, body.toString().getBytes(StandardCharsets.UTF_8), reason));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    try {
      all.get(settings.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending = new Pending(uid, where, all, refused, attachments.size());
      log.warn(
          "mailbox: Kafka did not take all of {} within {}; it stays unread until Kafka has it",
          where,
          settings.confirmTimeout());
      metrics.file("mail", "unconfirmed");
      return false;
    } catch (ExecutionException e) {
      log.warn("mailbox: {} not sent ({}); it stays unread", where, e.getCause().toString());
      return false;
    }
    mark(m, where, refused, attachments.size());
    return true;
  }

  private static void collect(Part part, List<Attachment> attachments, StringBuilder body)
      throws MessagingException, IOException {
    if (part.isMimeType("multipart/*")) {
      Multipart multi = (Multipart) part.getContent();
      for (int i = 0; i < multi.getCount(); i++) {
        collect(multi.getBodyPart(i), attachments, body);
      }
      return;
    }
    String name = part.getFileName();
    if (name != null || Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
      try (InputStream in = part.getInputStream()) {
        byte[] bytes = in.readNBytes(MAX_ATTACHMENT + 1);
        // Never a truncated file: half an export imported and the message marked read would lose
        // the rest.
        attachments.add(
            new Attachment(
                name == null ? "attachment" : name, bytes.length > MAX_ATTACHMENT ? null : bytes));
      }
    } else if (part.isMimeType("text/plain")) {
      body.append(part.getContent()).append('\n');
    }
  }

  /** The session time the Iridium gateway writes into the mail's body. */
  static Optional<Instant> sessionTime(String body) {
    Matcher m = SESSION_TIME.matcher(body);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          LocalDateTime.parse(m.group(1).trim().replaceAll("\\s+", " "), IRIDIUM_TIME)
              .toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String abbreviate(String v) {
    String s = v.replaceAll("[^ -~]", "?");
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  @Override
  public void close() {
    org.tugai.core.service.Executors.stop(poller, Duration.ofSeconds(10));
  }
}
