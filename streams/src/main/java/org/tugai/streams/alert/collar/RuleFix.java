package org.tugai.streams.alert.collar;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.tugai.avro.Fix;

/**
 * What the collar rules read of a fix, and only that: the windows of an instance's collars are held
 * in memory as these. A decoded {@link Fix} has 29 fields, boxed numbers and its own copies of
 * every text and list, about 250 bytes held even with its text shared; this is about 80, so the
 * same heap holds three times the fixes and a busy instance's windows stay in memory instead of
 * being decoded from the store for every fix (the 20-minute soak: 500 collars' day-long windows,
 * 720,000 fixes, did not fit in the 200,000 the old form allowed). The store keeps the whole fix.
 */
public final class RuleFix {

  private static final byte NONE = -1;

  private final String collarId;
  private final long fixTimeMs;
  private final double lat; // NaN without a position
  private final double lon;
  private final boolean good;
  private final byte mortality; // NONE, 0 or 1
  private final double batteryV; // NaN when not reported
  private final int activity;
  private final boolean hasActivity;
  private final List<String> zones;
  private final String animalId;
  private final String country;

  private RuleFix(Fix f, RuleFix like) {
    this.collarId = same(f.getCollarId(), like == null ? null : like.collarId);
    this.fixTimeMs = f.getFixTime().toEpochMilli();
    this.lat = f.getLat() == null ? Double.NaN : f.getLat();
    this.lon = f.getLon() == null ? Double.NaN : f.getLon();
    this.good = CollarRules.good(f);
    this.mortality = f.getMortality() == null ? NONE : (byte) (f.getMortality() ? 1 : 0);
    this.batteryV = f.getBatteryV() == null ? Double.NaN : f.getBatteryV();
    this.hasActivity = f.getActivity() != null;
    this.activity = hasActivity ? f.getActivity() : 0;
    this.zones = same(List.copyOf(f.getZones()), like == null ? null : like.zones);
    this.animalId = same(f.getAnimalId(), like == null ? null : like.animalId);
    this.country = same(f.getCountry(), like == null ? null : like.country);
  }

  /**
   * The rules' view of {@code f}; its text and zones are the instances of {@code like} (the fix
   * before it in the window) where equal, so a window holds each once.
   */
  public static RuleFix of(Fix f, RuleFix like) {
    return new RuleFix(f, like);
  }

  /** Each fix of a window (in order), sharing with the one before it. */
  public static List<RuleFix> all(List<Fix> fixes) {
    RuleFix[] out = new RuleFix[fixes.size()];
    RuleFix previous = null;
    for (int i = 0; i < out.length; i++) {
      out[i] = previous = of(fixes.get(i), previous);
    }
    return Arrays.asList(out);
  }

  private static <T> T same(T mine, T theirs) {
    return theirs != null && theirs.equals(mine) ? theirs : mine;
  }

  public String getCollarId() {
    return collarId;
  }

  public Instant getFixTime() {
    return Instant.ofEpochMilli(fixTimeMs);
  }

  public long fixTimeMs() {
    return fixTimeMs;
  }

  /** A position the rules may use: one, and no flag that makes it unusable. */
  public boolean good() {
    return good;
  }

  public boolean hasPosition() {
    return !Double.isNaN(lat) && !Double.isNaN(lon);
  }

  /** Latitude; NaN without a position. */
  public double getLat() {
    return lat;
  }

  /** Longitude; NaN without a position. */
  public double getLon() {
    return lon;
  }

  /** The collar's mortality sensor, or null when the fix has no reading. */
  public Boolean getMortality() {
    return mortality == NONE ? null : mortality == 1 ? Boolean.TRUE : Boolean.FALSE;
  }

  public boolean hasBattery() {
    return !Double.isNaN(batteryV);
  }

  /** Volts; NaN when not reported. */
  public double getBatteryV() {
    return batteryV;
  }

  public boolean hasActivity() {
    return hasActivity;
  }

  public int getActivity() {
    return activity;
  }

  public List<String> getZones() {
    return zones;
  }

  public String getAnimalId() {
    return animalId;
  }

  public String getCountry() {
    return country;
  }

  @Override
  public String toString() {
    return collarId + "@" + getFixTime() + (good ? "" : " (not good)");
  }
}
