package org.tugai.embedded.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The committed hostile-input corpus ({@code testdata/hostile-corpus.jsonl}, written by {@code
 * testdata/make-hostile-corpus.py}): bad and hostile payloads for every device path and HTTP
 * requests, each with what must happen to it. Placeholders are filled per run so every case is told
 * apart by its id.
 */
public final class HostileCorpus {

  /**
   * One payload for a device topic; {@code expect} is the dead letter's reason code. {@code id} is
   * in the topic.
   */
  public record DeviceCase(
      int index, String path, String id, String topic, byte[] payload, String expect, String why) {
    @Override
    public String toString() {
      return "#" + index + " " + path + ": " + why;
    }
  }

  /**
   * One HTTP request; {@code token} is admin, scientist, ranger or none; {@code expect} the status.
   */
  public record HttpCase(
      int index, String method, String url, String token, String body, int expect, String why) {
    @Override
    public String toString() {
      return "#" + index + " " + method + " " + url + ": " + why;
    }
  }

  private final List<DeviceCase> devices = new ArrayList<>();
  private final List<HttpCase> http = new ArrayList<>();

  /**
   * @param idPrefix makes every case's id unique to this run (letters and digits)
   * @param zone, user the ranger acknowledgements are published as
   */
  public HostileCorpus(String idPrefix, Instant time, String zone, String user) {
    Path file =
        Path.of(System.getProperty("tugai.root", "..")).resolve("testdata/hostile-corpus.jsonl");
    ObjectMapper json = new ObjectMapper();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      JsonNode c;
      try {
        c = json.readTree(lines.get(i));
      } catch (IOException e) {
        throw new UncheckedIOException(file + " line " + (i + 1), e);
      }
      if (c.path("path").asText().equals("http")) {
        http.add(
            new HttpCase(
                i,
                c.path("method").asText(),
                c.path("url").asText(),
                c.path("token").asText(),
                c.has("body") ? c.path("body").asText() : null,
                c.path("expect").asInt(),
                c.path("why").asText()));
        continue;
      }
      String id = idPrefix + i;
      String topic = fill(c.path("topic").asText(), id, time, zone, user);
      byte[] payload;
      if (c.has("payloadHex")) {
        payload = HexFormat.of().parseHex(c.path("payloadHex").asText());
      } else if (c.has("generate")) {
        payload = new byte[c.path("generate").path("size").asInt()];
        Arrays.fill(payload, (byte) c.path("generate").path("byte").asText().charAt(0));
      } else {
        payload =
            fill(c.path("payload").asText(), id, time, zone, user).getBytes(StandardCharsets.UTF_8);
      }
      devices.add(
          new DeviceCase(
              i,
              c.path("path").asText(),
              id,
              topic,
              payload,
              c.path("expect").asText(),
              c.path("why").asText()));
    }
  }

  private static String fill(String s, String id, Instant time, String zone, String user) {
    return s.replace("{id}", id)
        .replace("{time}", time.toString())
        .replace("{zone}", zone)
        .replace("{user}", user);
  }

  public List<DeviceCase> devices() {
    return devices;
  }

  public List<HttpCase> http() {
    return http;
  }
}
