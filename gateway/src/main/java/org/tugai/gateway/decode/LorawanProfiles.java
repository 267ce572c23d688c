package org.tugai.gateway.decode;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;

/**
 * Device profiles: which field of a LoRaWAN uplink's decoded payload holds latitude, battery and so
 * on. Configured under {@code gateway.lorawan.profiles.{name}.{field}}; devices pick one under
 * {@code gateway.lorawan.device-profiles.{deviceId}}, else {@code gateway.lorawan.default-profile}.
 */
public final class LorawanProfiles {

  /**
   * Dragino LGT-92 style trackers: {@code latitude}, {@code longitude}, {@code hdop}, {@code BatV};
   * (0, 0) means no fix.
   */
  public static final FixFields LGT92 =
      new FixFields(
          null,
          "time",
          "latitude",
          "longitude",
          "altitude",
          "hdop",
          null,
          "satellites",
          null,
          "temperature",
          "BatV",
          null,
          null,
          null,
          true,
          true,
          FixFields.PositionQuality.NONE);

  private static final String PREFIX = "gateway.lorawan.profiles.";

  private final Map<String, FixFields> profiles;
  private final Map<String, String> deviceProfiles;
  private final String defaultProfile;

  public LorawanProfiles(
      Map<String, FixFields> profiles, Map<String, String> deviceProfiles, String defaultProfile) {
    this.profiles = Map.copyOf(profiles);
    this.deviceProfiles = Map.copyOf(deviceProfiles);
    this.defaultProfile = defaultProfile;
  }

  public static LorawanProfiles from(Settings s) {
    Map<String, FixFields> profiles = new LinkedHashMap<>();
    profiles.put("lgt92", LGT92);
    for (String name : s.names(PREFIX)) {
      String p = PREFIX + name + ".";
      String lat = s.string(p + "lat");
      String lon = s.string(p + "lon");
      profiles.put(
          name,
          new FixFields(
              null,
              s.string(p + "fix-time", "time"),
              lat,
              lon,
              s.optional(p + "altitude-m").orElse(null),
              s.optional(p + "hdop").orElse(null),
              s.optional(p + "pdop").orElse(null),
              s.optional(p + "satellites").orElse(null),
              s.optional(p + "fix-type").orElse(null),
              s.optional(p + "temperature-c").orElse(null),
              s.optional(p + "battery-v").orElse(null),
              s.optional(p + "mortality").orElse(null),
              s.optional(p + "activity").orElse(null),
              null,
              s.bool(p + "zero-means-no-fix", false),
              true,
              FixFields.PositionQuality.NONE));
    }
    String defaultProfile = s.string("gateway.lorawan.default-profile", "lgt92");
    if (!profiles.containsKey(defaultProfile)) {
      throw new ConfigException(
          "gateway.lorawan.default-profile",
          "'" + defaultProfile + "' is not a profile; known: " + profiles.keySet());
    }
    Map<String, String> devices = s.group("gateway.lorawan.device-profiles.");
    devices.forEach(
        (device, profile) -> {
          if (!profiles.containsKey(profile)) {
            throw new ConfigException(
                "gateway.lorawan.device-profiles." + device,
                "'" + profile + "' is not a profile; known: " + profiles.keySet());
          }
        });
    return new LorawanProfiles(profiles, devices, defaultProfile);
  }

  public static LorawanProfiles defaults() {
    return new LorawanProfiles(Map.of("lgt92", LGT92), Map.of(), "lgt92");
  }

  FixFields forDevice(String deviceId) {
    return profiles.get(deviceProfiles.getOrDefault(deviceId, defaultProfile));
  }
}
