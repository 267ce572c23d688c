package org.tugai.app.registry;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.tugai.app.Tugai;
import org.tugai.avro.Deployment;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.kafka.TopicAdmin;
import org.tugai.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bin/tugai registry import FILE.csv}: deployments into the compacted deployments topic. */
@Command(
    name = "registry",
    description = "Manage the deployment registry.",
    subcommands = RegistryCommand.Import.class)
public final class RegistryCommand {

  /** Gives the environment to subcommands (the root command owns it). */
  public interface Environment {
    Map<String, String> env();
  }

  @ParentCommand Environment root;

  /**
   * Writes deployments to the compacted deployments topic and waits until Kafka has all of them;
   * returns the topic.
   */
  public static String publish(KafkaSettings kafka, List<Deployment> deployments) throws Exception {
    Topics topics = kafka.topics();
    TopicAdmin.ensure(kafka, List.of(topics.deployments()));
    Map<String, Object> p = kafka.producerConfig();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Deployment d : deployments) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topics.deployments().name(),
                    d.getDeploymentId(),
                    topics
                        .deployments()
                        .valueSerde()
                        .serializer()
                        .serialize(topics.deployments().name(), d))));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    return topics.deployments().name();
  }

  @Command(
      name = "import",
      description =
          "Load deployments (collar -> animal, species, population, start / end) from a CSV file.")
  static final class Import implements Callable<Integer> {
    @ParentCommand RegistryCommand registry;

    @Parameters(
        index = "0",
        paramLabel = "FILE.csv",
        description = "Movebank reference-data style CSV")
    Path file;

    @Option(
        names = "--config",
        description = "YAML config file; TUGAI_* environment variables override it")
    Path config;

    @Override
    public Integer call() throws Exception {
      Settings settings = Settings.load(Optional.ofNullable(config), registry.root.env());
      KafkaSettings kafka = KafkaSettings.from(settings);
      settings.checkAllKeysKnown();
      DeploymentCsv.Parsed parsed;
      try (Reader in = Files.newBufferedReader(file)) {
        parsed = DeploymentCsv.read(in);
      }
      String topic = publish(kafka, parsed.deployments());
      System.out.printf("imported %d deployments into %s%n", parsed.deployments().size(), topic);
      for (DeploymentCsv.Skipped s : parsed.skipped()) {
        System.out.printf("skipped line %d: %s%n", s.line(), s.reason());
      }
      return parsed.skipped().isEmpty() ? 0 : Tugai.REFUSED_ROWS;
    }
  }
}
