package org.tugai.streams.track;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.tugai.avro.Fix;
import org.tugai.avro.TrackCheckpoint;
import org.tugai.schemas.AvroSerde;
import org.tugai.streams.store.FixKeys;

/**
 * Where a collar's track stood before some of its candidates, in the track store next to the fixes
 * ({@link FixKeys#checkpoint}). A late fix is recomputed from the newest checkpoint before it: what
 * lies before a candidate older than the late fix cannot change (an outlier verdict looks only at
 * the neighbouring candidates, and the border state only at the fixes before), so the work and the
 * reads are the fixes from there on, not the window.
 *
 * <p>The first candidate of every {@link #SPACING} of fix time holds one, so which candidates do
 * follows from the candidates alone: the processor can tell, without a read, which checkpoint a fix
 * leaving the window takes with it, and a recomputation can tell which ones it has to rewrite.
 */
final class TrackCheckpoints {

  /**
   * Two hours of fixes: a late fix recomputes at most this much more than its own lateness (120
   * fixes at one a minute), and an hourly collar writes a checkpoint for every other fix.
   */
  static final Duration SPACING = Duration.ofHours(2);

  private final KeyValueStore<String, byte[]> store;
  private final AvroSerde<TrackCheckpoint> serde;

  TrackCheckpoints(KeyValueStore<String, byte[]> store, AvroSerde<TrackCheckpoint> serde) {
    this.store = store;
    this.serde = serde;
  }

  /** Whether a candidate holds a checkpoint, given the candidate before it (null if none). */
  static boolean holds(Fix candidate, Fix previousCandidate) {
    return previousCandidate == null
        || bucket(previousCandidate.getFixTime()) != bucket(candidate.getFixTime());
  }

  private static long bucket(Instant t) {
    return Math.floorDiv(t.toEpochMilli(), SPACING.toMillis());
  }

  static String key(String collar, Instant fixTime) {
    return FixKeys.checkpoint(collar, fixTime.toEpochMilli());
  }

  /** The newest checkpoint at or after {@code from} and strictly before {@code before}, or null. */
  TrackCheckpoint newestBefore(String collar, Instant from, Instant before) {
    if (!from.isBefore(before)) {
      return null;
    }
    try (KeyValueIterator<String, byte[]> it =
        store.reverseRange(key(collar, from), key(collar, before.minusMillis(1)))) {
      return it.hasNext() ? serde.decode(it.next().value) : null;
    }
  }

  void put(String collar, Fix candidate, BorderState before, Fix previousCandidate) {
    TrackCheckpoint c =
        TrackCheckpoint.newBuilder()
            .setFixTime(candidate.getFixTime())
            .setConfirmed(before.confirmed())
            .setDeploymentId(before.deploymentId())
            .setLastGood(TrackSummary.slim(before.lastGood()))
            .setCandidate(before.candidate())
            .setCandidateFirst(TrackSummary.slim(before.candidateFirst()))
            .setCandidateCount(before.candidateCount())
            .setPreviousCandidate(TrackSummary.slim(previousCandidate))
            .build();
    store.put(key(collar, candidate.getFixTime()), serde.encode(c));
  }

  /** Keys of the collar's checkpoints from {@code from} on. */
  List<String> keysFrom(String collar, Instant from) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.range(key(collar, from), FixKeys.checkpoint(collar, Long.MAX_VALUE))) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
      }
    }
    return keys;
  }

  static BorderState state(TrackCheckpoint c) {
    return new BorderState(
        c.getConfirmed(),
        c.getDeploymentId(),
        c.getLastGood(),
        c.getCandidate(),
        c.getCandidateFirst(),
        c.getCandidateCount());
  }
}
