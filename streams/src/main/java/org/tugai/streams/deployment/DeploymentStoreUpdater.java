package org.tugai.streams.deployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceDeployments;

/**
 * Keeps the global store of deployments by device from the compacted deployments topic (keyed by
 * deployment id): every instance holds all of them, so fixes keyed by collar can look up the
 * deployment at their time.
 */
public final class DeploymentStoreUpdater implements Processor<String, Deployment, Void, Void> {

  public static final String STORE = "deployments-by-device";

  private KeyValueStore<String, DeviceDeployments> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, Deployment> record) {
    String deploymentId = record.key();
    Deployment deployment = record.value();
    if (deployment == null) {
      // A tombstone names only the deployment: find its device (deployments are few; this is rare).
      List<KeyValue<String, DeviceDeployments>> changed = new ArrayList<>();
      try (KeyValueIterator<String, DeviceDeployments> all = store.all()) {
        all.forEachRemaining(
            kv -> {
              if (kv.value.getDeployments().stream()
                  .anyMatch(d -> d.getDeploymentId().equals(deploymentId))) {
                changed.add(kv);
              }
            });
      }
      for (KeyValue<String, DeviceDeployments> kv : changed) {
        List<Deployment> rest = new ArrayList<>(kv.value.getDeployments());
        rest.removeIf(d -> d.getDeploymentId().equals(deploymentId));
        store.put(kv.key, DeviceDeployments.newBuilder(kv.value).setDeployments(rest).build());
      }
      return;
    }
    DeviceDeployments current = store.get(deployment.getDeviceId());
    List<Deployment> list = new ArrayList<>(current == null ? List.of() : current.getDeployments());
    list.removeIf(d -> d.getDeploymentId().equals(deployment.getDeploymentId()));
    list.add(deployment);
    store.put(
        deployment.getDeviceId(),
        DeviceDeployments.newBuilder()
            .setDeviceId(deployment.getDeviceId())
            .setDeployments(list)
            .build());
  }

  /** The deployment valid at {@code time}: deployOn <= time < deployOff. */
  public static Optional<Deployment> validAt(DeviceDeployments deployments, Instant time) {
    if (deployments == null) {
      return Optional.empty();
    }
    return deployments.getDeployments().stream()
        .filter(
            d ->
                !time.isBefore(d.getDeployOn())
                    && (d.getDeployOff() == null || time.isBefore(d.getDeployOff())))
        .max(Comparator.comparing(Deployment::getDeployOn));
  }
}
