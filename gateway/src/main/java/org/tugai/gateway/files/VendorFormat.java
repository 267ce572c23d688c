package org.tugai.gateway.files;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The collar vendors' export files Tugai reads, each mapped to native-format fixes (the names of
 * {@code tugai/v1/collars/{id}/fixes}) so they pass the gateway's validation like any device
 * message. Column names are the vendors' as their software writes them (docs/devices.md lists them
 * and where they come from); a file is read by its header, so column order, extra columns and the
 * delimiter do not matter.
 */
public enum VendorFormat {

  /** Vectronic Aerospace GPS Plus X "CSV" export and the Vectronic Inventory positions download. */
  VECTRONIC("vectronic") {
    @Override
    boolean recognises(Header h) {
      return h.has("CollarID", "Collar ID")
          && (h.has("UTC_Date") || h.has("Acq. Time [UTC]", "acquisition time"));
    }

    @Override
    Row row(Header h, DelimitedText.Line line, String fileCollar) {
      String collar =
          h.cell(line, "CollarID", "Collar ID")
              .orElseThrow(() -> new IllegalArgumentException("CollarID is empty"));
      Instant time =
          h.cell(line, "UTC_Date").isPresent()
              ? time(
                  h.cell(line, "UTC_Date").get()
                      + " "
                      + h.cell(line, "UTC_Time").orElse("00:00:00"),
                  "UTC_Date / UTC_Time",
                  VECTRONIC_TIMES)
              : time(
                  h.cell(line, "Acq. Time [UTC]", "acquisition time").get(),
                  "Acq. Time [UTC]",
                  VECTRONIC_TIMES);
      ObjectNode fix = start(collar, time);
      String type = h.cell(line, "FixType", "Fix Type").orElse("").toLowerCase(Locale.ROOT);
      boolean noFix =
          type.contains("no fix")
              || type.equals("0")
              || h.cell(line, "Latitude [°]", "Latitude").isEmpty();
      if (noFix) {
        fix.put("fixType", "none");
      } else {
        position(
            fix,
            h,
            line,
            new String[] {"Latitude [°]", "Latitude"},
            new String[] {"Longitude [°]", "Longitude"});
        if (type.contains("3d") || type.contains("2d")) {
          fix.put("fixType", type.contains("3d") ? "3D" : "2D");
        }
        number(fix, "altitudeM", h, line, "Height [m]", "Height");
        number(fix, "hdop", h, line, "DOP");
        integer(fix, "satellites", h, line, "Sats", "Nav", "Satellites");
        number(fix, "errorRadiusM", h, line, "3D_Error [m]", "3D Error");
      }
      number(fix, "temperatureC", h, line, "Temp [°C]", "Temperature [°C]", "Temp");
      number(fix, "batteryV", h, line, "Main [V]", "Main");
      h.cell(line, "Mort. Status", "Mortality Status", "Mortality")
          .ifPresent(m -> fix.put("mortality", mortality(m)));
      integer(fix, "activity", h, line, "Activity");
      return new Row(line.number(), collar, fix);
    }
  },

  /**
   * Lotek GPS collars: the web service / desktop export ({@code Date & Time [GMT]}, {@code Fix
   * Status}, ...).
   */
  LOTEK("lotek") {
    @Override
    boolean recognises(Header h) {
      return (h.has("Date & Time [GMT]") || h.has("GMT Date") || h.has("RTC-date"))
          && h.has("Latitude")
          && h.has("Longitude");
    }

    @Override
    Row row(Header h, DelimitedText.Line line, String fileCollar) {
      String collar =
          h.cell(line, "Device ID", "DeviceID", "Device")
              .or(() -> Optional.ofNullable(fileCollar))
              .orElseThrow(
                  () -> new IllegalArgumentException("no Device ID in the row or the file name"));
      String when =
          h.cell(line, "Date & Time [GMT]")
              .orElseGet(
                  () ->
                      h.cell(line, "GMT Date").orElse("")
                          + " "
                          + h.cell(line, "GMT Time").orElse(""));
      ObjectNode fix = start(collar, time(when.trim(), "Date & Time [GMT]", LOTEK_TIMES));
      String status =
          h.cell(line, "Fix Status", "FixStatus", "Status").orElse("").toLowerCase(Locale.ROOT);
      Optional<String> lat = h.cell(line, "Latitude");
      if (lat.isEmpty()
          || status.contains("no fix")
          || status.equals("0")
          || isZero(lat.get(), h.cell(line, "Longitude").orElse("0"))) {
        fix.put("fixType", "none");
      } else {
        position(fix, h, line, new String[] {"Latitude"}, new String[] {"Longitude"});
        fix.put("fixType", status.contains("2d") ? "2D" : "3D");
        number(fix, "altitudeM", h, line, "Altitude", "Altitude [m]");
        number(fix, "hdop", h, line, "DOP", "HDOP");
        integer(fix, "satellites", h, line, "Sats", "Satellites", "Num Sats");
      }
      number(fix, "temperatureC", h, line, "Temp [C]", "Temperature", "Temp");
      number(fix, "batteryV", h, line, "Main [V]", "Main V", "Main");
      h.cell(line, "Mort. Status", "Mortality").ifPresent(m -> fix.put("mortality", mortality(m)));
      integer(fix, "activity", h, line, "Activity", "Act");
      return new Row(line.number(), collar, fix);
    }

    @Override
    boolean skip(DelimitedText.Line line) {
      // Lotek's files put a line of dashes under the header.
      return line.cells().stream().allMatch(c -> c.isBlank() || c.trim().matches("-+"));
    }
  },

  /**
   * Telonics Data Converter's "Complete" CSV: a block of report lines ({@code CTN,...} names the
   * collar), then the header row starting with {@code Acquisition Time}, then one row per message
   * received, each GPS fix repeated as often as the collar sent it (over Iridium or Argos); Argos
   * Doppler locations come with their class and errors.
   */
  TELONICS("telonics") {
    @Override
    boolean recognises(Header h) {
      return h.has("Acquisition Time")
          && h.has("GPS Fix Attempt", "GPS Latitude", "Argos Location Class");
    }

    @Override
    Row row(Header h, DelimitedText.Line line, String fileCollar) {
      if (fileCollar == null) {
        throw new IllegalArgumentException("the report block names no CTN");
      }
      String attempt = h.cell(line, "GPS Fix Attempt").orElse("").toLowerCase(Locale.ROOT);
      Optional<String> gpsLat = h.cell(line, "GPS Latitude");
      Optional<String> argosLat = h.cell(line, "Argos Latitude");
      // Acquisition Time is when the fix was scheduled and taken, the time studies use; the rest
      // are receipt times.
      String acquired =
          h.cell(line, "Acquisition Time")
              .orElseThrow(() -> new IllegalArgumentException("Acquisition Time is empty"));
      ObjectNode fix = start(fileCollar, time(acquired, "Acquisition Time", TELONICS_TIMES));
      if (gpsLat.isPresent()) {
        position(fix, h, line, new String[] {"GPS Latitude"}, new String[] {"GPS Longitude"});
        // Resolved QFP (Uncertain) is a position the collar itself doubts: 2D, so the quality rules
        // treat it as poor.
        fix.put("fixType", attempt.contains("uncertain") ? "2D" : "3D");
        number(fix, "altitudeM", h, line, "GPS Altitude");
        number(fix, "hdop", h, line, "GPS Horizontal Dilution");
        integer(fix, "satellites", h, line, "GPS Satellite Count");
        number(fix, "errorRadiusM", h, line, "GPS Horizontal Error");
      } else if (argosLat.isPresent()) {
        position(fix, h, line, new String[] {"Argos Latitude"}, new String[] {"Argos Longitude"});
        h.cell(line, "Argos Location Class").ifPresent(c -> fix.put("locationClass", c));
        number(fix, "altitudeM", h, line, "Argos Altitude");
        number(fix, "errorRadiusM", h, line, "Argos Error Radius");
        number(fix, "errorSemiMajorM", h, line, "Argos Semi-major Axis", "Argos Semi-Major");
        number(fix, "errorSemiMinorM", h, line, "Argos Semi-minor Axis", "Argos Semi-Minor");
        number(fix, "errorEllipseOrientationDeg", h, line, "Argos Orientation");
      } else if (attempt.isEmpty()) {
        throw new NotAFix();
      } else {
        fix.put(
            "fixType",
            "none"); // Failed, Unresolved QFP: the collar tried, and that is a sign of life
      }
      number(fix, "temperatureC", h, line, "Temperature");
      integer(fix, "activity", h, line, "Activity Count");
      h.cell(line, "Mortality").ifPresent(m -> fix.put("mortality", mortality(m)));
      return new Row(line.number(), fileCollar, fix);
    }

    @Override
    String fileCollar(List<DelimitedText.Line> preamble, String fileName) {
      for (DelimitedText.Line l : preamble) {
        if (Header.normalize(l.cell(0)).equals("ctn") && !l.cell(1).isEmpty()) {
          return l.cell(1);
        }
      }
      return null;
    }
  };

  private static final List<DateTimeFormatter> VECTRONIC_TIMES =
      formats("dd.MM.yyyy HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy HH:mm:ss");
  private static final List<DateTimeFormatter> LOTEK_TIMES =
      formats("MM-dd-yyyy HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "dd.MM.yyyy HH:mm:ss");
  private static final List<DateTimeFormatter> TELONICS_TIMES =
      formats("yyyy.MM.dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss");

  private final String cliName;

  VendorFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line and in the {@code import-{name}} channel. */
  public String cliName() {
    return cliName;
  }

  public static Optional<VendorFormat> named(String name) {
    for (VendorFormat f : values()) {
      if (f.cliName.equalsIgnoreCase(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * One fix a row became: the line it came from, the collar, and the fix in the native format's
   * names.
   */
  public record Row(long line, String collarId, ObjectNode fix) {}

  /** A row that is no fix, and why (line numbers are the file's, 1-based). */
  public record Skipped(long line, String reason, String text) {}

  /** What a file held. */
  public record Parsed(VendorFormat format, List<Row> rows, List<Skipped> skipped, int repeats) {}

  /** A row that describes no fix at all (a status message): skipped silently, not an error. */
  static final class NotAFix extends RuntimeException {
    NotAFix() {
      super(null, null, false, false);
    }
  }

  abstract boolean recognises(Header header);

  abstract Row row(Header header, DelimitedText.Line line, String fileCollar);

  boolean skip(DelimitedText.Line line) {
    return false;
  }

  /**
   * The collar a whole file is about, when the format says it outside the rows (Telonics' CTN);
   * else from its name.
   */
  String fileCollar(List<DelimitedText.Line> preamble, String fileName) {
    String base = fileName.replaceAll(".*/", "").replaceAll("\\.[A-Za-z]+$", "");
    return base.matches("[A-Za-z0-9._:-]{1,128}") ? base : null;
  }

  /** Reads a file of this format. */
  public Parsed parse(String text, String fileName) throws IOException {
    List<DelimitedText.Line> lines = DelimitedText.read(text);
    int headerAt = -1;
    for (int i = 0; i < lines.size() && headerAt < 0; i++) {
      if (recognises(new Header(lines.get(i).cells()))) {
        headerAt = i;
      }
    }
    if (headerAt < 0) {
      throw new IOException("no " + cliName + " header row in " + fileName);
    }
    Header header = new Header(lines.get(headerAt).cells());
    String fileCollar = fileCollar(lines.subList(0, headerAt), fileName);
    List<Row> rows = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    // Collars send a fix several times (Telonics repeats each message): one fix per collar and time
    // is kept.
    Map<String, Row> seen = new LinkedHashMap<>();
    int repeats = 0;
    for (DelimitedText.Line line : lines.subList(headerAt + 1, lines.size())) {
      if (line.blank() || skip(line)) {
        continue;
      }
      try {
        Row row = row(header, line, fileCollar);
        String key = row.collarId() + "|" + row.fix().path("fixTime").asText();
        Row earlier = seen.get(key);
        if (earlier == null || (!earlier.fix().has("lat") && row.fix().has("lat"))) {
          seen.put(key, row);
        }
        repeats += earlier == null ? 0 : 1;
      } catch (NotAFix notAFix) {
        // a message without any position or fix attempt: nothing to store
      } catch (IllegalArgumentException e) {
        skipped.add(new Skipped(line.number(), e.getMessage(), line.text()));
      }
    }
    rows.addAll(seen.values());
    return new Parsed(this, rows, skipped, repeats);
  }

  /** The format whose header a file has, if any. */
  public static Optional<VendorFormat> detect(String text) {
    List<DelimitedText.Line> lines;
    try {
      lines = DelimitedText.read(text);
    } catch (IOException e) {
      return Optional.empty();
    }
    for (DelimitedText.Line l : lines.subList(0, Math.min(lines.size(), 60))) {
      Header h = new Header(l.cells());
      for (VendorFormat f : values()) {
        if (f.recognises(h)) {
          return Optional.of(f);
        }
      }
    }
    return Optional.empty();
  }

  private static ObjectNode start(String collar, Instant time) {
    ObjectNode fix = JsonNodeFactory.instance.objectNode();
    fix.put("collarId", collar);
    fix.put("fixTime", time.toString());
    return fix;
  }

  private static void position(
      ObjectNode fix, Header h, DelimitedText.Line line, String[] lat, String[] lon) {
    fix.put(
        "lat",
        decimal(
            h.cell(line, lat).orElseThrow(() -> new IllegalArgumentException(lat[0] + " is empty")),
            lat[0]));
    fix.put(
        "lon",
        decimal(
            h.cell(line, lon)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            lon[0] + " is missing while " + lat[0] + " is given")),
            lon[0]));
  }

  private static void number(
      ObjectNode fix, String field, Header h, DelimitedText.Line line, String... aliases) {
    h.cell(line, aliases).ifPresent(v -> fix.put(field, decimal(v, aliases[0])));
  }

  private static void integer(
      ObjectNode fix, String field, Header h, DelimitedText.Line line, String... aliases) {
    h.cell(line, aliases)
        .ifPresent(
            v -> {
              double d = decimal(v, aliases[0]);
              if (d != Math.rint(d)) {
                throw new IllegalArgumentException(
                    aliases[0] + " '" + v + "' is not a whole number");
              }
              fix.put(field, (long) d);
            });
  }

  /**
   * A number as vendors write it; a decimal comma is read too (a ';'-delimited file from a European
   * locale).
   */
  static double decimal(String v, String column) {
    try {
      return Double.parseDouble(v.trim().replace(',', '.'));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " '" + abbreviate(v) + "' is not a number");
    }
  }

  private static boolean isZero(String lat, String lon) {
    try {
      return decimal(lat, "lat") == 0 && decimal(lon, "lon") == 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean mortality(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    return s.matches("yes|true|1|mort.*|dead");
  }

  private static Instant time(String text, String column, List<DateTimeFormatter> formats) {
    String t = text.trim();
    for (DateTimeFormatter f : formats) {
      try {
        return LocalDateTime.parse(t, f).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException ignored) {
        // try the next format
      }
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          column + " '" + abbreviate(t) + "' is not a time this format writes");
    }
  }

  private static List<DateTimeFormatter> formats(String... patterns) {
    List<DateTimeFormatter> out = new ArrayList<>();
    for (String p : patterns) {
      // Strict: November 31 is an error to report, not December 1 or November 30.
      out.add(
          new DateTimeFormatterBuilder()
              .appendPattern(p.replace("yyyy", "uuuu"))
              .optionalStart()
              .appendFraction(ChronoField.MILLI_OF_SECOND, 1, 3, true)
              .optionalEnd()
              .toFormatter(Locale.ROOT)
              .withResolverStyle(ResolverStyle.STRICT));
    }
    return List.copyOf(out);
  }

  static String abbreviate(String v) {
    String s = v == null ? "" : v.replaceAll("[^ -~]", "?");
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
