package org.tugai.streams.track;

import org.tugai.avro.Fix;

/**
 * Where the crossing state machine stands: the confirmed country, the last good fix in it, and a
 * pending move into another country awaiting confirmation.
 */
public record BorderState(
    String confirmed,
    String deploymentId,
    Fix lastGood,
    String candidate,
    Fix candidateFirst,
    int candidateCount) {

  public static final BorderState START = new BorderState(null, null, null, null, null, 0);
}
