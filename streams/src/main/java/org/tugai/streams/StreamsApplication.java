package org.tugai.streams;

import org.apache.kafka.streams.Topology;
import org.tugai.schemas.Topics;
import org.tugai.streams.alert.AlertTopology;
import org.tugai.streams.geo.Geodata;

/**
 * The whole streams application, composed from its two parts: the fix pipeline ({@link
 * FixTopology}: dedupe, enrichment, quality, crossings) and, when {@code alerts.enabled}, the alert
 * rules and lifecycle ({@link AlertTopology}), which read the fix pipeline's output topics. Neither
 * part knows the other.
 */
public final class StreamsApplication {

  private StreamsApplication() {}

  public static Topology build(Topics topics, StreamsServiceConfig config, Geodata geo) {
    Topology topology = FixTopology.build(topics, config.dedupeRetention(), config.track(), geo);
    if (config.alerts().enabled()) {
      AlertTopology.addTo(topology, topics, config.alerts(), config.track(), geo);
    }
    return topology;
  }
}
