package org.tugai.gateway.decode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tugai.schemas.ReasonCodes;

/**
 * A satellite payload described by configuration instead of code: an optional header, then
 * fixed-size fix records, each field at a bit offset with a width, signedness, scale and offset.
 * Most collar and open-hardware SBD formats are of this kind (packed integers, degrees times 10^7
 * or times 2^23/180, seconds since some epoch).
 *
 * <p>Offsets and widths are in bits, counted from the record's first bit, most significant bit
 * first. With {@code byte-order: little}, fields that start on a byte boundary and are whole bytes
 * wide are read little-endian.
 */
public final class BinaryLayout implements SbdPayloadDecoder {

  /**
   * Where one field is and how its raw integer becomes a value: {@code value = raw * scale + add}.
   */
  public record Field(int offsetBits, int widthBits, boolean signed, double scale, double add) {

    /**
     * Reads {@code OFFSET:WIDTH[:signed|unsigned[:SCALE[:ADD]]]}; the message names what is wrong.
     */
    public static Field parse(String spec) {
      String[] parts = spec.trim().split(":");
      if (parts.length < 2 || parts.length > 5) {
        throw new IllegalArgumentException(
            "'" + spec + "' is not OFFSET:WIDTH[:signed|unsigned[:SCALE[:ADD]]] (bits)");
      }
      try {
        int offset = Integer.parseInt(parts[0].trim());
        int width = Integer.parseInt(parts[1].trim());
        if (offset < 0 || width < 1 || width > 64) {
          throw new IllegalArgumentException(
              "'" + spec + "': the offset must be >= 0 and the width 1..64 bits");
        }
        boolean signed = false;
        if (parts.length > 2) {
          signed =
              switch (parts[2].trim().toLowerCase(Locale.ROOT)) {
                case "signed", "s" -> true;
                case "unsigned", "u" -> false;
                default ->
                    throw new IllegalArgumentException(
                        "'" + spec + "': '" + parts[2] + "' is neither signed nor unsigned");
              };
        }
        double scale = parts.length > 3 ? Double.parseDouble(parts[3].trim()) : 1;
        double add = parts.length > 4 ? Double.parseDouble(parts[4].trim()) : 0;
        if (!Double.isFinite(scale) || !Double.isFinite(add) || scale == 0) {
          throw new IllegalArgumentException(
              "'" + spec + "': scale must be a non-zero number and add a number");
        }
        return new Field(offset, width, signed, scale, add);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + spec + "': " + e.getMessage());
      }
    }

    long raw(byte[] data, int recordStart, boolean littleEndian) {
      long value = 0;
      if (littleEndian && offsetBits % 8 == 0 && widthBits % 8 == 0) {
        int first = recordStart + offsetBits / 8;
        for (int i = widthBits / 8 - 1; i >= 0; i--) {
          value = (value << 8) | (data[first + i] & 0xFF);
        }
      } else {
        for (int bit = 0; bit < widthBits; bit++) {
          int at = recordStart * 8 + offsetBits + bit;
          value = (value << 1) | ((data[at / 8] >> (7 - at % 8)) & 1);
        }
      }
      if (signed && widthBits < 64 && (value & (1L << (widthBits - 1))) != 0) {
        value -= 1L << widthBits;
      }
      return value;
    }

    double value(byte[] data, int recordStart, boolean littleEndian) {
      long raw = raw(data, recordStart, littleEndian);
      double unsigned = !signed && widthBits == 64 && raw < 0 ? raw + 0x1p64 : raw;
      return unsigned * scale + add;
    }

    int endBits() {
      return offsetBits + widthBits;
    }
  }

  /** The field names a layout may use, as written in configuration. */
  public static final List<String> FIELDS =
      List.of(
          "fix-time",
          "lat",
          "lon",
          "altitude-m",
          "hdop",
          "pdop",
          "satellites",
          "fix-type",
          "temperature-c",
          "battery-v",
          "mortality",
          "activity");

  private final String name;
  private final int headerBytes;
  private final int recordBytes;
  private final boolean littleEndian;
  private final Instant timeEpoch;
  private final boolean zeroMeansNoFix;
  private final Map<String, Field> fields;

  /**
   * @param fields by the names of {@link #FIELDS}; {@code fix-time} counts seconds (after its
   *     scale) from {@code timeEpoch}; {@code fix-type} is 0 (no fix), 2 (2D) or 3 (3D); {@code
   *     mortality} is true when non-zero
   * @param zeroMeansNoFix a position of exactly (0, 0) is the device saying it found none
   */
  public BinaryLayout(
      String name,
      int headerBytes,
      int recordBytes,
      boolean littleEndian,
      Instant timeEpoch,
      boolean zeroMeansNoFix,
      Map<String, Field> fields) {
    for (String f : fields.keySet()) {
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(
            "'" + f + "' is not a field a layout knows; known: " + FIELDS);
      }
    }
    if (!fields.containsKey("lat") || !fields.containsKey("lon")) {
      throw new IllegalArgumentException("a layout needs both lat and lon");
    }
    if (recordBytes < 1 || headerBytes < 0) {
      throw new IllegalArgumentException(
          "record-bytes must be at least 1 and header-bytes at least 0");
    }
    for (Map.Entry<String, Field> f : fields.entrySet()) {
      if (f.getValue().endBits() > recordBytes * 8) {
        throw new IllegalArgumentException(
            "field "
                + f.getKey()
                + " ends at bit "
                + f.getValue().endBits()
                + ", beyond the "
                + recordBytes
                + "-byte record");
      }
    }
    this.name = name;
    this.headerBytes = headerBytes;
    this.recordBytes = recordBytes;
    this.littleEndian = littleEndian;
    this.timeEpoch = timeEpoch;
    this.zeroMeansNoFix = zeroMeansNoFix;
    this.fields = Map.copyOf(fields);
  }

  /**
   * Tugai's own compact record, 16 bytes a fix, for open collar designs on Iridium modems
   * (documented in docs/devices.md): seconds since 1970 (u32), latitude and longitude in 10^-7
   * degrees (s32 each), altitude in metres (s16), HDOP in tenths (u8), then satellites (5 bits),
   * fix type (2 bits) and the mortality bit. Several records make a store-and-forward message; a
   * 340-byte SBD message holds 21.
   */
  public static BinaryLayout tugaiCompact() {
    return new BinaryLayout(
        "tugai-compact-v1",
        0,
        16,
        false,
        Instant.EPOCH,
        false,
        Map.of(
            "fix-time", new Field(0, 32, false, 1, 0),
            "lat", new Field(32, 32, true, 1e-7, 0),
            "lon", new Field(64, 32, true, 1e-7, 0),
            "altitude-m", new Field(96, 16, true, 1, 0),
            "hdop", new Field(112, 8, false, 0.1, 0),
            "satellites", new Field(120, 5, false, 1, 0),
            "fix-type", new Field(125, 2, false, 1, 0),
            "mortality", new Field(127, 1, false, 1, 0)));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<SbdFix> decode(byte[] payload, Instant sessionTime) throws RejectedException {
    int body = payload.length - headerBytes;
    if (body <= 0 || body % recordBytes != 0) {
      throw new RejectedException(
          ReasonCodes.UNDECODABLE,
          "payload of "
              + payload.length
              + " bytes is not "
              + headerBytes
              + " header bytes and a whole number of "
              + recordBytes
              + "-byte records (profile "
              + name
              + ")");
    }
    List<SbdFix> out = new ArrayList<>(body / recordBytes);
    for (int start = headerBytes; start < payload.length; start += recordBytes) {
      out.add(record(payload, start));
    }
    return out;
  }

  private SbdFix record(byte[] data, int start) {
    Double lat = number(data, start, "lat");
    Double lon = number(data, start, "lon");
    Double type = number(data, start, "fix-type");
    String fixType =
        type == null
            ? null
            : switch ((int) Math.round(type)) {
              case 0 -> "none";
              case 2 -> "2D";
              case 3 -> "3D";
              default ->
                  "unknown-"
                      + Math.round(type); // refused by validation with its value in the reason
            };
    boolean noFix =
        "none".equals(fixType)
            || (zeroMeansNoFix && lat != null && lat == 0.0 && lon != null && lon == 0.0);
    if (noFix) {
      lat = null;
      lon = null;
      fixType = "none";
    }
    Double seconds = number(data, start, "fix-time");
    Instant time = seconds == null ? null : timeEpoch.plusMillis(Math.round(seconds * 1000));
    Double mortality = number(data, start, "mortality");
    return new SbdFix(
        time,
        lat,
        lon,
        number(data, start, "altitude-m"),
        number(data, start, "hdop"),
        number(data, start, "pdop"),
        integer(data, start, "satellites"),
        fixType,
        number(data, start, "temperature-c"),
        number(data, start, "battery-v"),
        mortality == null ? null : mortality != 0,
        integer(data, start, "activity"));
  }

  private Double number(byte[] data, int start, String field) {
    return Optional.ofNullable(fields.get(field))
        .map(f -> f.value(data, start, littleEndian))
        .orElse(null);
  }

  private Integer integer(byte[] data, int start, String field) {
    Double v = number(data, start, field);
    return v == null
        ? null
        : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(v)));
  }
}
