package org.tugai.gateway.decode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;

/**
 * The satellite payload decoders the gateway knows, by profile name: the built-in {@link
 * BinaryLayout#tugaiCompact()}, vendor decoders found on the class path ({@link SbdPayloadDecoder}
 * services), and layouts configured under {@code gateway.sbd.profiles.{name}.*}. A deployment picks
 * one with its {@code payloadProfile}; otherwise {@code gateway.sbd.default-profile} applies.
 */
public final class SbdProfiles {

  private static final String PREFIX = "gateway.sbd.profiles.";

  private final Map<String, SbdPayloadDecoder> decoders;
  private final String defaultProfile;

  public SbdProfiles(Map<String, SbdPayloadDecoder> decoders, String defaultProfile) {
    this.decoders = Map.copyOf(decoders);
    this.defaultProfile = defaultProfile;
  }

  public static SbdProfiles from(Settings s) {
    Map<String, SbdPayloadDecoder> decoders = new LinkedHashMap<>();
    BinaryLayout compact = BinaryLayout.tugaiCompact();
    decoders.put(compact.name(), compact);
    for (SbdPayloadDecoder plugin : ServiceLoader.load(SbdPayloadDecoder.class)) {
      decoders.put(plugin.name(), plugin);
    }
    for (String name : s.names(PREFIX)) {
      String p = PREFIX + name + ".";
      Map<String, BinaryLayout.Field> fields = new LinkedHashMap<>();
      for (Map.Entry<String, String> f : s.group(p + "fields.").entrySet()) {
        try {
          fields.put(f.getKey(), BinaryLayout.Field.parse(f.getValue()));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(p + "fields." + f.getKey(), e.getMessage());
        }
      }
      String epoch = s.string(p + "time-epoch", "1970-01-01T00:00:00Z");
      Instant timeEpoch;
      try {
        timeEpoch = Instant.parse(epoch);
      } catch (DateTimeParseException e) {
        throw new ConfigException(
            p + "time-epoch",
            "'" + epoch + "' is not an ISO-8601 instant like 2000-01-01T00:00:00Z");
      }
      try {
        decoders.put(
            name,
            new BinaryLayout(
                name,
                s.integer(p + "header-bytes", 0, 0, 1_960),
                s.integer(p + "record-bytes", 16, 1, 1_960),
                s.choice(p + "byte-order", "big", java.util.List.of("big", "little"))
                    .equals("little"),
                timeEpoch,
                s.bool(p + "zero-means-no-fix", false),
                fields));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(p + "fields", e.getMessage());
      }
    }
    String defaultProfile = s.string("gateway.sbd.default-profile", compact.name());
    if (!decoders.containsKey(defaultProfile)) {
      throw new ConfigException(
          "gateway.sbd.default-profile",
          "'" + defaultProfile + "' is not a profile; known: " + decoders.keySet());
    }
    return new SbdProfiles(decoders, defaultProfile);
  }

  /**
   * The decoder for a deployment's profile name, or the default when it names none; empty for a
   * name no profile has.
   */
  public Optional<SbdPayloadDecoder> decoder(Optional<String> profile) {
    return Optional.ofNullable(decoders.get(profile.orElse(defaultProfile)));
  }

  public Set<String> names() {
    return decoders.keySet();
  }
}
