package org.tugai.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Configuration: one YAML file plus environment overrides.
 *
 * <p>Keys are dotted, lower-case, kebab-case paths into the file ({@code kafka.bootstrap-servers}).
 * The override rule: {@code TUGAI_} + the key upper-cased with every {@code .} and {@code -} turned
 * into {@code _} ({@code TUGAI_KAFKA_BOOTSTRAP_SERVERS}). The environment wins over the file.
 *
 * <p>Pass-through groups ({@code kafka.client.*}: properties handed verbatim to Kafka clients) are
 * read with {@link #group}; their overrides are {@code TUGAI_KAFKA_CLIENT_} + the property with
 * {@code .} as {@code _} (for example {@code TUGAI_KAFKA_CLIENT_SECURITY_PROTOCOL}).
 *
 * <p>Every typed getter validates, and throws {@link ConfigException} naming the key; {@link
 * #checkAllKeysKnown} catches typos in the file.
 */
public final class Settings {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, Object> file;
  private final Map<String, String> env;
  private final String origin;
  private final Set<String> read = ConcurrentHashMap.newKeySet();
  private final Set<String> groupsRead = ConcurrentHashMap.newKeySet();

  private Settings(Map<String, Object> file, Map<String, String> env, String origin) {
    this.file = file;
    this.env = env;
    this.origin = origin;
  }

  /** Settings from the file (if any) and the process environment. */
  public static Settings load(Optional<Path> configFile) {
    return load(configFile, System.getenv());
  }

  public static Settings load(Optional<Path> configFile, Map<String, String> env) {
    if (configFile.isEmpty()) {
      return new Settings(Map.of(), Map.copyOf(env), "environment");
    }
    Path path = configFile.get();
    if (!Files.isRegularFile(path)) {
      throw ConfigException.file(path.toString(), "does not exist");
    }
    try {
      return new Settings(flatten(YAML.readTree(path.toFile())), Map.copyOf(env), path.toString());
    } catch (IOException e) {
      throw ConfigException.file(path.toString(), "cannot be read: " + oneLine(e.getMessage()));
    }
  }

  /** Settings from key / value pairs, for tests and embedded use; no environment. */
  public static Settings of(Map<String, ?> values) {
    Map<String, Object> copy = new TreeMap<>();
    values.forEach(
        (k, v) ->
            copy.put(
                k,
                v instanceof List<?> l
                    ? l.stream().map(String::valueOf).toList()
                    : String.valueOf(v)));
    return new Settings(copy, Map.of(), "values");
  }

  /** These settings with more values laid over them (the overlay wins). */
  public Settings with(Map<String, ?> overlay) {
    Map<String, Object> merged = new TreeMap<>(file);
    Settings extra = of(overlay);
    merged.putAll(extra.file);
    return new Settings(merged, env, origin);
  }

  public static String envName(String key) {
    return "TUGAI_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private Optional<Object> raw(String key) {
    read.add(key);
    String fromEnv = env.get(envName(key));
    if (fromEnv != null) {
      return Optional.of(fromEnv);
    }
    return Optional.ofNullable(file.get(key));
  }

  private Optional<String> text(String key) {
    return raw(key)
        .map(
            v ->
                v instanceof List<?> l
                    ? l.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : (String) v)
        .map(String::trim);
  }

  public String string(String key) {
    return text(key)
        .filter(s -> !s.isEmpty())
        .orElseThrow(
            () ->
                new ConfigException(
                    key, "missing; set it in the config file or in " + envName(key)));
  }

  public String string(String key, String defaultValue) {
    return text(key).orElse(defaultValue);
  }

  public Optional<String> optional(String key) {
    return text(key).filter(s -> !s.isEmpty());
  }

  public int integer(String key, int defaultValue, int min, int max) {
    Optional<String> value = text(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "'" + value.get() + "' is not a whole number");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(key, parsed + " is out of range " + min + ".." + max);
    }
    return parsed;
  }

  public double decimal(String key, double defaultValue, double min, double max) {
    Optional<String> value = text(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    double parsed;
    try {
      parsed = Double.parseDouble(value.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "'" + value.get() + "' is not a number");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new ConfigException(key, value.get() + " is out of range " + min + ".." + max);
    }
    return parsed;
  }

  public boolean bool(String key, boolean defaultValue) {
    Optional<String> value = text(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new ConfigException(key, "'" + value.get() + "' is not true or false");
    };
  }

  /**
   * A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 48h}, {@code 7d} or ISO-8601
   * {@code PT30S}.
   */
  public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
    Optional<String> value = text(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    Duration parsed = parseDuration(key, value.get());
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw new ConfigException(key, value.get() + " is out of range " + min + ".." + max);
    }
    return parsed;
  }

  private static Duration parseDuration(String key, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          key, "'" + text + "' is not a duration (examples: 500ms, 30s, 5m, 48h, 7d)");
    }
  }

  /** A list, written in the file as a YAML list or in the environment comma-separated. */
  public List<String> list(String key, List<String> defaultValue) {
    Optional<Object> value = raw(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    if (value.get() instanceof List<?> l) {
      return l.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    return Arrays.stream(((String) value.get()).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** One of the given choices, case-insensitive; returned lower-case. */
  public String choice(String key, String defaultValue, List<String> choices) {
    String value = string(key, defaultValue).toLowerCase(Locale.ROOT);
    if (!choices.contains(value)) {
      throw new ConfigException(key, "'" + value + "' is not one of " + String.join(", ", choices));
    }
    return value;
  }

  /**
   * Every key below {@code prefix} with the prefix removed, e.g. Kafka client properties to pass
   * through.
   */
  public Map<String, String> group(String prefix) {
    groupsRead.add(prefix);
    Map<String, String> out = new LinkedHashMap<>();
    file.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            out.put(k.substring(prefix.length()), String.valueOf(v));
          }
        });
    String envPrefix =
        envName(prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix) + "_";
    env.forEach(
        (k, v) -> {
          if (k.startsWith(envPrefix) && k.length() > envPrefix.length()) {
            out.put(k.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
          }
        });
    return out;
  }

  /**
   * The names directly below {@code prefix} in the file: {@code names("gateway.sources.")} gives
   * the source names.
   */
  public SortedSet<String> names(String prefix) {
    SortedSet<String> names = new TreeSet<>();
    for (String key : file.keySet()) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        String rest = key.substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return names;
  }

  /**
   * True when {@code variable} is the override of a key some service read (or lies under a group
   * read, such as {@code TUGAI_KAFKA_CLIENT_*}): lets deployment files be checked against the code.
   */
  public boolean isOverrideOfAKnownKey(String variable) {
    return read.stream().anyMatch(k -> envName(k).equals(variable))
        || groupsRead.stream()
            .anyMatch(
                g ->
                    variable.startsWith(
                        envName(g.endsWith(".") ? g.substring(0, g.length() - 1) : g) + "_"));
  }

  /** Fails on the first key in the file that no service read: almost always a typo. */
  public void checkAllKeysKnown() {
    for (String key : file.keySet()) {
      if (!read.contains(key) && groupsRead.stream().noneMatch(key::startsWith)) {
        String hint =
            read.stream()
                .filter(known -> similar(known, key))
                .findFirst()
                .map(known -> "; did you mean '" + known + "'?")
                .orElse("; known keys are listed in the README");
        throw new ConfigException(key, "unknown key in " + origin + hint);
      }
    }
  }

  private static boolean similar(String a, String b) {
    String lastA = a.substring(a.lastIndexOf('.') + 1);
    String lastB = b.substring(b.lastIndexOf('.') + 1);
    return lastA.equals(lastB)
        || a.replaceAll("[^a-z]", "").equals(b.replaceAll("[^a-z]", ""))
        || (a.startsWith(b.substring(0, Math.min(b.length(), Math.max(1, b.length() - 2)))));
  }

  private static Map<String, Object> flatten(JsonNode root) {
    Map<String, Object> out = new TreeMap<>();
    if (root != null && !root.isMissingNode() && !root.isNull()) {
      if (!root.isObject()) {
        throw ConfigException.file("", "must be a YAML mapping of keys to values");
      }
      flatten("", root, out);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
      out.put(prefix, items);
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
