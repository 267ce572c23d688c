package org.tugai.app.registry;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.schemas.text.StorableText;

/**
 * Deployments from a CSV in the style of Movebank reference data: {@code tag-id}, {@code
 * animal-id}, {@code animal-taxon}, {@code animal-sex}, {@code deploy-on-date}, {@code
 * deploy-off-date}, plus {@code population}; optional {@code deployment-id}, {@code device-type}
 * (collar or camera), {@code site-id}, {@code deploy-on-latitude} / {@code deploy-on-longitude}
 * (camera sites), {@code expected-interval-s}, and for Iridium collars {@code imei} (the modem's)
 * and {@code payload-profile} (the gateway's {@code gateway.sbd.profiles} name). Movebank's
 * alternative names ({@code tag-local-identifier}, {@code individual-local-identifier}, ...) work
 * too. Times are {@code yyyy-MM-dd HH:mm:ss[.SSS]} in UTC, as Movebank writes them, or ISO-8601.
 */
public final class DeploymentCsv {

  /** A row that could not become a deployment, and why. */
  public record Skipped(long line, String reason) {}

  /** What a file held. */
  public record Parsed(List<Deployment> deployments, List<Skipped> skipped) {}

  private static final DateTimeFormatter MOVEBANK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

  private DeploymentCsv() {}

  public static Parsed read(Reader in) throws IOException {
    CsvMapper mapper = new CsvMapper();
    List<Deployment> deployments = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    try (MappingIterator<Map<String, String>> rows =
        mapper
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(in)) {
      long line = 1;
      while (rows.hasNext()) {
        line++;
        Map<String, String> row = rows.next();
        try {
          deployments.add(deployment(row));
        } catch (IllegalArgumentException e) {
          skipped.add(new Skipped(line, StorableText.escape(e.getMessage())));
        }
      }
    }
    return new Parsed(deployments, skipped);
  }

  private static Deployment deployment(Map<String, String> row) {
    String tag =
        first(row, "tag-id", "tag-local-identifier", "camera-id")
            .orElseThrow(() -> new IllegalArgumentException("no tag-id"));
    // The device id the gateway will see on its topics: the same rule, or the deployment could
    // never match.
    String idProblem = org.tugai.gateway.decode.InputLimits.idProblem("tag-id", tag);
    if (idProblem != null) {
      throw new IllegalArgumentException(idProblem);
    }
    Instant on =
        time(
            first(row, "deploy-on-date", "deploy-on-timestamp")
                .orElseThrow(() -> new IllegalArgumentException("no deploy-on-date for " + tag)),
            "deploy-on-date");
    Instant off =
        first(row, "deploy-off-date", "deploy-off-timestamp")
            .map(t -> time(t, "deploy-off-date"))
            .orElse(null);
    if (off != null && !off.isAfter(on)) {
      throw new IllegalArgumentException(
          "deploy-off-date " + off + " is not after deploy-on-date " + on + " for " + tag);
    }
    DeviceType type =
        first(row, "device-type")
            .map(
                t ->
                    t.toLowerCase(Locale.ROOT).startsWith("cam")
                        ? DeviceType.CAMERA
                        : DeviceType.COLLAR)
            .orElse(DeviceType.COLLAR);
    String id = first(row, "deployment-id").orElse(tag + "@" + on);
    return Deployment.newBuilder()
        .setDeploymentId(id)
        .setDeviceId(tag)
        .setDeviceType(type)
        .setAnimalId(first(row, "animal-id", "individual-local-identifier").orElse(null))
        .setSiteId(first(row, "site-id", "site").orElse(null))
        .setSpecies(
            first(row, "animal-taxon", "taxon-canonical-name", "individual-taxon-canonical-name")
                .orElse(null))
        .setSex(first(row, "animal-sex", "sex").map(DeploymentCsv::sex).orElse(null))
        .setPopulation(first(row, "population").orElse(null))
        .setDeployOn(on)
        .setDeployOff(off)
        .setLat(
            first(row, "deploy-on-latitude")
                .map(v -> number(v, "deploy-on-latitude", -90, 90))
                .orElse(null))
        .setLon(
            first(row, "deploy-on-longitude")
                .map(v -> number(v, "deploy-on-longitude", -180, 180))
                .orElse(null))
        .setExpectedIntervalS(
            first(row, "expected-interval-s")
                .map(v -> (int) number(v, "expected-interval-s", 1, 31_536_000))
                .orElse(null))
        .setImei(first(row, "imei").map(DeploymentCsv::imei).orElse(null))
        .setPayloadProfile(first(row, "payload-profile").orElse(null))
        .build();
  }

  private static Optional<String> first(Map<String, String> row, String... names) {
    for (String n : names) {
      String v = row.get(n);
      Optional<String> problem = StorableText.problemInName(n, v, 500);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(problem.get());
      }
      if (v != null && !v.isBlank()) {
        return Optional.of(v.trim());
      }
    }
    return Optional.empty();
  }

  private static String imei(String v) {
    if (!v.matches("[0-9]{15}")) {
      throw new IllegalArgumentException(
          "imei '" + v + "' is not the 15 digits of an Iridium modem's IMEI");
    }
    return v;
  }

  private static String sex(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "f", "female" -> "f";
      case "m", "male" -> "m";
      default -> "u";
    };
  }

  private static double number(String v, String column, double min, double max) {
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) {
        throw new IllegalArgumentException(column + " " + v + " is outside " + min + ".." + max);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " '" + v + "' is not a number");
    }
  }

  static Instant time(String text, String column) {
    try {
      return LocalDateTime.parse(text, MOVEBANK).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException notMovebank) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            column + " '" + text + "' is neither yyyy-MM-dd HH:mm:ss.SSS (UTC) nor ISO-8601");
      }
    }
  }
}
