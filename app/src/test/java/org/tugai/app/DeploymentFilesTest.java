package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tugai.core.config.Settings;
import org.yaml.snakeyaml.Yaml;

/**
 * The Docker Compose file and the Kubernetes manifests cannot run here (no Docker engine, no
 * cluster), so this keeps them honest against the code: every command is a real subcommand, every
 * TUGAI_* variable and config key is one a service reads (and the values pass its validation),
 * every port agrees with what the service binds, and Prometheus scrapes what is served.
 */
class DeploymentFilesTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final Path COMPOSE = ROOT.resolve("deploy/compose/docker-compose.yml");
  static final Path K8S = ROOT.resolve("deploy/k8s");
  static final ObjectMapper YAML = new YAMLMapper();
  static final Set<String> SERVICES = Set.of("gateway", "streams", "ingest", "api");
  static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_]+)(:\\?[^}]*)?}");

  @TempDir Path dir;

  @Test
  void composeRunsTheFourServicesWithSettingsTheCodeKnows() throws Exception {
    JsonNode services = compose().path("services");
    assertThat(iterable(services.fieldNames()))
        .contains(
            "timescaledb",
            "kafka",
            "mosquitto",
            "prometheus",
            "gateway",
            "streams",
            "ingest",
            "api");
    Set<String> commands = Tugai.commandLine(Map.of()).getSubcommands().keySet();
    Map<String, Integer> scrapePorts = new HashMap<>();
    for (String name : iterable(services.fieldNames())) {
      JsonNode service = services.path(name);
      if (!service.has("command")) {
        continue;
      }
      String command = service.path("command").get(0).asText();
      assertThat(commands)
          .as("compose service %s runs bin/tugai %s", name, command)
          .contains(command);
      assertThat(SERVICES).contains(command);
      assertThat(service.path("image").asText()).as(name).isEqualTo("tugai:0.1.0");
      Map<String, String> env = new LinkedHashMap<>();
      service
          .path("environment")
          .fields()
          .forEachRemaining(e -> env.put(e.getKey(), substitute(e.getValue().asText())));
      Settings settings = configure(command, Optional.empty(), env);
      int port = boundPort(command, settings);
      scrapePorts.put(name, port);
      if (command.equals("api")) {
        assertThat(service.path("ports").get(0).asText()).endsWith(":" + port);
        assertThat(service.path("healthcheck").path("test").toString())
            .contains("localhost:" + port + "/health");
      }
    }
    assertThat(scrapePorts.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);

    // Prometheus scrapes every service, on the port it serves /metrics on.
    JsonNode prometheus = YAML.readTree(Files.readString(COMPOSE.resolveSibling("prometheus.yml")));
    Map<String, Integer> targets = new HashMap<>();
    for (JsonNode job : prometheus.path("scrape_configs")) {
      for (JsonNode target : job.path("static_configs").get(0).path("targets")) {
        String[] hostPort = target.asText().split(":");
        targets.put(hostPort[0], Integer.parseInt(hostPort[1]));
      }
    }
    assertThat(targets).isEqualTo(scrapePorts);
    assertThat(services.path("prometheus").path("volumes").toString())
        .contains("./prometheus.yml:/etc/prometheus/prometheus.yml");
  }

  @Test
  void composeMountsFilesThatExistWhereMosquittoLooks() throws Exception {
    JsonNode services = compose().path("services");
    String conf = Files.readString(COMPOSE.resolveSibling("mosquitto.conf"));
    for (JsonNode volume : services.path("mosquitto").path("volumes")) {
      String[] parts = volume.asText().split(":");
      if (parts[0].startsWith(".")) {
        assertThat(COMPOSE.getParent().resolve(parts[0]).normalize())
            .as(volume.asText())
            .isRegularFile();
      }
    }
    assertThat(services.path("mosquitto").path("volumes").toString())
        .contains("../mosquitto/acl.conf:/mosquitto/config/acl.conf");
    assertThat(conf).contains("acl_file /mosquitto/config/acl.conf").contains("persistence true");
    // Every security setting of the shipped secure broker holds for the compose broker too.
    Files.readAllLines(ROOT.resolve("deploy/mosquitto/secure.conf")).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .forEach(l -> assertThat(conf).as("compose mosquitto.conf").contains(l));
    assertThat(services.path("mosquitto").path("ports").get(0).asText()).isEqualTo("1883:1883");
    assertThat(services.path("gateway").path("environment").path("TUGAI_MQTT_URL").asText())
        .isEqualTo("tcp://mosquitto:1883");
    // The gateway logs in as the user the ACL gives the device topics to.
    assertThat(Files.readString(ROOT.resolve("deploy/mosquitto/acl.conf")))
        .contains(
            "user "
                + services.path("gateway").path("environment").path("TUGAI_MQTT_USERNAME").asText())
        .contains(
            "user "
                + services
                    .path("gateway")
                    .path("environment")
                    .path("TUGAI_GATEWAY_ALERTS_USERNAME")
                    .asText());
    // The image runs the launcher's main class from the jar the app module builds.
    String dockerfile = Files.readString(ROOT.resolve("deploy/Dockerfile"));
    assertThat(dockerfile)
        .contains("org.tugai.app.Tugai")
        .contains("app/target/tugai-app.jar")
        .contains("app/target/lib");
    assertThat(Class.forName("org.tugai.app.Tugai")).isNotNull();
  }

  @Test
  void kubernetesRunsSeveralReplicasWithSettingsTheCodeKnows() throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.sorted().toList()) {
        YAML.readValues(new YAMLFactory().createParser(f.toFile()), JsonNode.class)
            .forEachRemaining(docs::add);
      }
    }
    JsonNode configMap = only(docs, "ConfigMap", "tugai-config");
    Path configFile = dir.resolve("tugai.yaml");
    Files.writeString(configFile, configMap.path("data").path("tugai.yaml").asText());
    JsonNode secret = only(docs, "Secret", "tugai-secrets");
    Set<String> commands = Tugai.commandLine(Map.of()).getSubcommands().keySet();
    Map<String, Integer> replicas = new HashMap<>();
    for (JsonNode doc : docs) {
      String kind = doc.path("kind").asText();
      if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
        continue;
      }
      JsonNode pod = doc.path("spec").path("template");
      JsonNode container = pod.path("spec").path("containers").get(0);
      List<String> args = new ArrayList<>();
      container.path("args").forEach(a -> args.add(a.asText()));
      String command = args.get(0);
      assertThat(commands).contains(command);
      assertThat(args.subList(1, 3)).containsExactly("--config", "/etc/tugai/tugai.yaml");
      assertThat(container.path("volumeMounts").toString())
          .contains("\"mountPath\":\"/etc/tugai\"");
      assertThat(pod.path("spec").path("volumes").toString()).contains("tugai-config");
      Map<String, String> env = new LinkedHashMap<>();
      for (JsonNode e : container.path("env")) {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        if (!ref.isMissingNode()) {
          assertThat(ref.path("name").asText()).isEqualTo("tugai-secrets");
          assertThat(secret.path("stringData").has(ref.path("key").asText()))
              .as(ref.toString())
              .isTrue();
        }
        env.put(
            e.path("name").asText(),
            e.has("value") ? e.path("value").asText() : "from-the-cluster");
      }
      Settings settings = configure(command, Optional.of(configFile), env);
      int port = boundPort(command, settings);
      JsonNode ports = container.path("ports");
      assertThat(ports.get(0).path("containerPort").asInt()).as(command).isEqualTo(port);
      assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText())
          .isEqualTo(String.valueOf(port));
      for (String probe : List.of("readinessProbe", "livenessProbe")) {
        JsonNode get = container.path(probe).path("httpGet");
        if (!get.isMissingNode()) {
          assertThat(get.path("path").asText()).isEqualTo("/health");
          assertThat(get.path("port").asText()).isEqualTo(ports.get(0).path("name").asText());
        }
      }
      replicas.put(command, doc.path("spec").path("replicas").asInt());
    }
    assertThat(replicas.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
    assertThat(replicas.get("gateway")).isGreaterThanOrEqualTo(2);
    assertThat(replicas.get("streams")).isGreaterThanOrEqualTo(2);
    assertThat(replicas.get("ingest")).isGreaterThanOrEqualTo(2);
    // Several gateways split the device topics instead of each taking every message.
    assertThat(configMap.path("data").path("tugai.yaml").asText()).contains("shared-group:");
  }

  /**
   * The compose file with its {@code <<: *tugai} merge keys resolved, as Compose does (SnakeYAML
   * does it; Jackson does not).
   */
  private static JsonNode compose() throws Exception {
    Object parsed = new Yaml().load(Files.readString(COMPOSE));
    return new ObjectMapper().valueToTree(parsed);
  }

  /**
   * Validates the settings the way {@code bin/tugai <command>} does at start-up; fails on anything
   * unknown.
   */
  private static Settings configure(String command, Optional<Path> file, Map<String, String> env) {
    Settings settings = Settings.load(file, env);
    Services.configure(settings, Set.of(command)).close();
    for (String variable : env.keySet()) {
      assertThat(variable).startsWith("TUGAI_");
      assertThat(settings.isOverrideOfAKnownKey(variable))
          .as("%s (for %s) overrides a key the code reads", variable, command)
          .isTrue();
    }
    return settings;
  }

  /** The port the service serves HTTP on: the API's, or the metrics server's. */
  private static int boundPort(String command, Settings settings) {
    return command.equals("api")
        ? settings.integer("http.port", 8080, 0, 65_535)
        : settings.integer("metrics.port", -1, -1, 65_535);
  }

  private static String substitute(String value) {
    Matcher m = VARIABLE.matcher(value);
    return m.replaceAll("secret-from-env");
  }

  private static JsonNode only(List<JsonNode> docs, String kind, String name) {
    List<JsonNode> found =
        docs.stream()
            .filter(
                d ->
                    d.path("kind").asText().equals(kind)
                        && d.path("metadata").path("name").asText().equals(name))
            .toList();
    assertThat(found).as(kind + " " + name).hasSize(1);
    return found.get(0);
  }

  private static <T> Iterable<T> iterable(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
