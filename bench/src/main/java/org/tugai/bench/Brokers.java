package org.tugai.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tugai.embedded.FreePorts;
import org.tugai.embedded.MosquittoProcess;

/**
 * Real broker processes for benchmarks: Kafka from deploy/kafka and Mosquitto, so this JVM's CPU
 * time is ours alone.
 */
final class Brokers implements AutoCloseable {

  private final Path root;
  private final Path kafkaDir;
  private final int kafkaPort = FreePorts.pick();
  final MosquittoProcess mosquitto;

  Brokers(Path root) throws IOException, InterruptedException {
    this.root = root;
    this.kafkaDir = Files.createTempDirectory("tugai-bench-kafka-");
    script("deploy/kafka/start.sh", String.valueOf(kafkaPort), kafkaDir.toString());
    this.mosquitto = MosquittoProcess.start("max_inflight_messages 0");
  }

  String kafka() {
    return "127.0.0.1:" + kafkaPort;
  }

  private void script(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(root.resolve(script).toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(root.resolve(".tugai-bench.log").toFile()));
    pb.environment().put("KAFKA_CONTROLLER_PORT", String.valueOf(FreePorts.pick()));
    pb.environment().put("KAFKA_HEAP_OPTS", "-Xms512m -Xmx1g");
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(script + " failed; see .tugai-bench.log");
    }
  }

  @Override
  public void close() throws Exception {
    mosquitto.close();
    script("deploy/kafka/stop.sh", kafkaDir.toString(), "--delete");
  }
}
