package org.tugai.gateway.files;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;

/**
 * Where the gateway looks for vendors' files, each off unless configured: a watched folder ({@code
 * gateway.inbox.*}) and an IMAP mailbox the vendor's service mails to ({@code gateway.imap.*}).
 */
public record FileSettings(Optional<InboxSettings> inbox, Optional<MailboxSettings> mailbox) {

  /**
   * @param dir {@code gateway.inbox.dir}: files dropped here are imported, then moved to {@code
   *     done/} (or {@code failed/})
   * @param pollEvery {@code gateway.inbox.poll-every}
   * @param settle {@code gateway.inbox.settle}: a file changed more recently than this is still
   *     being written and waits
   * @param confirmTimeout {@code gateway.inbox.confirm-timeout}: a file Kafka has not taken by then
   *     stays for the next poll
   */
  public record InboxSettings(
      Path dir, Duration pollEvery, Duration settle, Duration confirmTimeout) {}

  /**
   * @param url {@code gateway.imap.url}: {@code imap://host:port} or {@code imaps://host:port}
   * @param username {@code gateway.imap.username}
   * @param password {@code gateway.imap.password}
   * @param folder {@code gateway.imap.folder}
   * @param pollEvery {@code gateway.imap.poll-every}
   * @param confirmTimeout {@code gateway.imap.confirm-timeout}: a message Kafka has not taken by
   *     then stays unread
   */
  public record MailboxSettings(
      URI url,
      String username,
      String password,
      String folder,
      Duration pollEvery,
      Duration confirmTimeout) {
    @Override
    public String toString() {
      return "MailboxSettings["
          + url
          + ", "
          + username
          + ", folder "
          + folder
          + "]"; // never the password
    }
  }

  public static FileSettings from(Settings s) {
    Optional<InboxSettings> inbox =
        s.optional("gateway.inbox.dir")
            .map(
                dir ->
                    new InboxSettings(
                        Path.of(dir),
                        s.duration(
                            "gateway.inbox.poll-every",
                            Duration.ofSeconds(30),
                            Duration.ofMillis(100),
                            Duration.ofHours(24)),
                        s.duration(
                            "gateway.inbox.settle",
                            Duration.ofSeconds(5),
                            Duration.ZERO,
                            Duration.ofHours(1)),
                        s.duration(
                            "gateway.inbox.confirm-timeout",
                            Duration.ofMinutes(2),
                            Duration.ofSeconds(1),
                            Duration.ofHours(1))));
    Optional<MailboxSettings> mailbox = Optional.empty();
    Optional<String> url = s.optional("gateway.imap.url");
    if (url.isPresent()) {
      URI uri;
      try {
        uri = URI.create(url.get());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "gateway.imap.url", "'" + url.get() + "' is not a URL: " + e.getMessage());
      }
      if (!"imap".equals(uri.getScheme()) && !"imaps".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new ConfigException(
            "gateway.imap.url",
            "'" + url.get() + "' is not imap://host[:port] or imaps://host[:port]");
      }
      String user =
          s.optional("gateway.imap.username")
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "gateway.imap.username", "missing while gateway.imap.url is set"));
      String password =
          s.optional("gateway.imap.password")
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "gateway.imap.password", "missing while gateway.imap.url is set"));
      mailbox =
          Optional.of(
              new MailboxSettings(
                  uri,
                  user,
                  password,
                  s.string("gateway.imap.folder", "INBOX"),
                  s.duration(
                      "gateway.imap.poll-every",
                      Duration.ofMinutes(1),
                      Duration.ofMillis(100),
                      Duration.ofHours(24)),
                  s.duration(
                      "gateway.imap.confirm-timeout",
                      Duration.ofMinutes(2),
                      Duration.ofSeconds(1),
                      Duration.ofHours(1))));
    }
    return new FileSettings(inbox, mailbox);
  }
}
