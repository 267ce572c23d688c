package org.tugai.core.config;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.SchemaTopic;
import org.tugai.schemas.Topics;

/**
 * Where Kafka is and how to talk to it.
 *
 * @param bootstrapServers {@code kafka.bootstrap-servers}, host:port list
 * @param topicPrefix {@code kafka.topic-prefix}, namespace for every topic (empty in production)
 * @param partitions {@code kafka.partitions}, partitions of topics Tugai creates
 * @param replicationFactor {@code kafka.replication-factor}, -1 for the broker default
 * @param client {@code kafka.client.*}, passed verbatim to every Kafka client (TLS, SASL, ...)
 */
public record KafkaSettings(
    String bootstrapServers,
    String topicPrefix,
    int partitions,
    short replicationFactor,
    Map<String, String> client) {

  private static final Pattern HOST_PORTS =
      Pattern.compile("[^\\s,:]+:\\d{1,5}(,\\s*[^\\s,:]+:\\d{1,5})*");

  public static KafkaSettings from(Settings s) {
    String bootstrap = s.string("kafka.bootstrap-servers");
    if (!HOST_PORTS.matcher(bootstrap).matches()) {
      throw new ConfigException(
          "kafka.bootstrap-servers", "'" + bootstrap + "' is not a host:port list");
    }
    String prefix = s.string("kafka.topic-prefix", "");
    if (!prefix.matches("[A-Za-z0-9._-]*")) {
      throw new ConfigException(
          "kafka.topic-prefix",
          "'" + prefix + "' may contain only letters, digits, '.', '_' and '-'");
    }
    return new KafkaSettings(
        bootstrap,
        prefix,
        s.integer("kafka.partitions", 3, 1, 10_000),
        (short) s.integer("kafka.replication-factor", -1, -1, 32),
        Map.copyOf(s.group("kafka.client.")));
  }

  /** Properties every Kafka client of ours starts from. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>(client);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /**
   * {@link #clientConfig()} for a consumer of the pipeline's topics: it reads only committed
   * records. Streams writes in transactions (exactly once); an aborted transaction's records (a
   * rebalance, a killed instance) stay in the log, and a consumer reading uncommitted would send
   * rangers an alert, or store a row, that never happened.
   */
  public Map<String, Object> consumerConfig() {
    Map<String, Object> config = clientConfig();
    config.put("isolation.level", "read_committed");
    return config;
  }

  /**
   * {@link #clientConfig()} for a producer whose send must mean stored: acknowledged only once
   * every in-sync replica has the record ({@code acks=all}), and retried without duplicates or
   * reordering (idempotence).
   */
  public Map<String, Object> producerConfig() {
    Map<String, Object> config = clientConfig();
    config.put("acks", "all");
    config.put("enable.idempotence", true);
    return config;
  }

  /** The topic registry, able to learn newer writer schemas from the schemas topic. */
  public Topics topics() {
    String schemasTopic = Topics.of(topicPrefix, SchemaCatalog.released()).schemas().name();
    return Topics.of(
        topicPrefix, SchemaCatalog.withSource(new SchemaTopic(schemasTopic, clientConfig())));
  }
}
