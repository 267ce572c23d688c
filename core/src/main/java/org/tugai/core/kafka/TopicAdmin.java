package org.tugai.core.kafka;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.config.KafkaSettings;
import org.tugai.schemas.TopicSpec;

/**
 * Creates the topics a service needs, if they do not exist yet. Safe to run from every instance.
 */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  public static void ensure(KafkaSettings kafka, Collection<? extends TopicSpec<?, ?>> topics) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          topics.stream()
              .filter(t -> !existing.contains(t.name()))
              .map(
                  t ->
                      new NewTopic(
                              t.name(),
                              Optional.of(kafka.partitions()),
                              Optional.of(kafka.replicationFactor()))
                          .configs(t.configs()))
              .toList();
      Map<String, KafkaFuture<Void>> created =
          missing.isEmpty() ? Map.of() : admin.createTopics(missing).values();
      for (Map.Entry<String, KafkaFuture<Void>> e : created.entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
          log.info("created topic {}", e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + e.getKey() + ": " + ex.getCause().getMessage(),
                ex.getCause());
          }
        }
      }
      // Also for topics that existed: another service of this process may have created them a
      // moment ago.
      awaitLeaders(admin, topics.stream().map(TopicSpec::name).distinct().toList());
      upgrade(admin, topics.stream().filter(t -> existing.contains(t.name())).toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at " + kafka.bootstrapServers() + " to create topics: " + e, e);
    }
  }

  /**
   * Topics made by an earlier version get the configs this one creates them with (today: retention
   * measured from arrival, see {@link TopicSpec#configs()}). Where Kafka refuses (no ALTER_CONFIGS
   * right) the service still starts, and says what an operator should run.
   */
  private static void upgrade(Admin admin, List<? extends TopicSpec<?, ?>> existing)
      throws InterruptedException, TimeoutException {
    if (existing.isEmpty()) {
      return;
    }
    Map<ConfigResource, TopicSpec<?, ?>> byResource = new LinkedHashMap<>();
    existing.forEach(
        t -> byResource.put(new ConfigResource(ConfigResource.Type.TOPIC, t.name()), t));
    try {
      Map<ConfigResource, Config> current =
          admin.describeConfigs(byResource.keySet()).all().get(30, TimeUnit.SECONDS);
      Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
      byResource.forEach(
          (resource, spec) -> {
            String wanted = spec.configs().get("message.timestamp.type");
            ConfigEntry now = current.get(resource).get("message.timestamp.type");
            if (wanted != null && (now == null || !wanted.equals(now.value()))) {
              changes.put(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("message.timestamp.type", wanted),
                          AlterConfigOp.OpType.SET)));
            }
          });
      if (!changes.isEmpty()) {
        admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        changes
            .keySet()
            .forEach(
                r ->
                    log.info(
                        "topic {}: message.timestamp.type set to LogAppendTime (retention from arrival)",
                        r.name()));
      }
    } catch (ExecutionException e) {
      log.warn(
          "cannot check or update the configs of existing topics ({}): set message.timestamp.type=LogAppendTime on the"
              + " event-log topics by hand (kafka-configs.sh --alter --entity-type topics ...), or old data replayed through them may"
              + " be deleted before it is stored",
          e.getCause().getMessage());
    }
  }

  /**
   * A created topic is committed by the controller before every broker's metadata has it: a Kafka
   * Streams global consumer started in that gap finds "no partitions available" and the client
   * dies. So the topics are only handed back once a broker describes every partition with a leader.
   */
  private static void awaitLeaders(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        boolean ready =
            described.values().stream()
                .allMatch(
                    d ->
                        !d.partitions().isEmpty()
                            && d.partitions().stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "topics " + names + " have no partition leaders 30 s after creation");
      }
      Thread.sleep(100);
    }
  }
}
