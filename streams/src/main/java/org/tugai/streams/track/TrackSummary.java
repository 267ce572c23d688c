package org.tugai.streams.track;

import java.time.Instant;
import java.util.List;
import org.tugai.avro.Crossing;
import org.tugai.avro.Fix;
import org.tugai.avro.TrackState;

/**
 * One collar's track summary as the track processor works on it: the store's {@link TrackState},
 * but mutable and its own, so a fix changes a few fields instead of deep-copying every fix and
 * crossing the summary holds (what an Avro builder made from a record does). Turned back into a
 * record only to be written.
 */
final class TrackSummary {

  final String collarId;
  Instant watermark;

  /** Only in a state written by version 1: the whole window, to be moved to the fix store. */
  List<Fix> legacyFixes;

  BorderState baseline;
  List<Crossing> crossings;
  Instant windowStart;
  int fixCount;
  Fix foldedCandidate;
  Fix lastCandidate;
  Fix previousCandidate;
  BorderState beforeLastCandidate;

  TrackSummary(String collarId, Instant watermark) {
    this.collarId = collarId;
    this.watermark = watermark;
    this.legacyFixes = List.of();
    this.baseline = BorderState.START;
    this.crossings = List.of();
    this.beforeLastCandidate = BorderState.START;
  }

  static TrackSummary of(TrackState s) {
    TrackSummary t = new TrackSummary(s.getCollarId(), s.getWatermark());
    t.legacyFixes = s.getFixes();
    t.baseline =
        new BorderState(
            s.getBaseConfirmed(),
            s.getBaseDeploymentId(),
            s.getBaseLastGood(),
            s.getBaseCandidate(),
            s.getBaseCandidateFirst(),
            s.getBaseCandidateCount());
    t.crossings = s.getCrossings();
    t.windowStart = s.getWindowStart();
    t.fixCount = s.getFixCount();
    t.foldedCandidate = s.getFoldedCandidate();
    t.lastCandidate = s.getLastCandidate();
    t.previousCandidate = s.getPreviousCandidate();
    t.beforeLastCandidate =
        new BorderState(
            s.getBeforeConfirmed(),
            s.getBeforeDeploymentId(),
            s.getBeforeLastGood(),
            s.getBeforeCandidate(),
            s.getBeforeCandidateFirst(),
            s.getBeforeCandidateCount());
    return t;
  }

  boolean legacy() {
    return windowStart == null && !legacyFixes.isEmpty();
  }

  /** The border state before the newest candidate; the baseline while the window is empty. */
  BorderState before() {
    return fixCount == 0 ? baseline : beforeLastCandidate;
  }

  void newest(TrackComputation.Result result) {
    lastCandidate = result.lastCandidate();
    previousCandidate = result.previousCandidate();
    beforeLastCandidate = result.beforeLastCandidate();
  }

  /**
   * A fresh builder given every field, so nothing is copied; the fixes it names are written {@link
   * #slim}.
   */
  TrackState toRecord() {
    return TrackState.newBuilder()
        .setCollarId(collarId)
        .setWatermark(watermark)
        .setFixes(legacyFixes)
        .setBaseConfirmed(baseline.confirmed())
        .setBaseDeploymentId(baseline.deploymentId())
        .setBaseLastGood(slim(baseline.lastGood()))
        .setBaseCandidate(baseline.candidate())
        .setBaseCandidateFirst(slim(baseline.candidateFirst()))
        .setBaseCandidateCount(baseline.candidateCount())
        .setCrossings(crossings)
        .setWindowStart(windowStart)
        .setFixCount(fixCount)
        .setFoldedCandidate(slim(foldedCandidate))
        .setLastCandidate(slim(lastCandidate))
        .setPreviousCandidate(slim(previousCandidate))
        .setBeforeConfirmed(beforeLastCandidate.confirmed())
        .setBeforeDeploymentId(beforeLastCandidate.deploymentId())
        .setBeforeLastGood(slim(beforeLastCandidate.lastGood()))
        .setBeforeCandidate(beforeLastCandidate.candidate())
        .setBeforeCandidateFirst(slim(beforeLastCandidate.candidateFirst()))
        .setBeforeCandidateCount(beforeLastCandidate.candidateCount())
        .build();
  }

  /**
   * The fields of a fix the track's rules and its crossings read (collar, time, position and its
   * error, deployment, animal, country, flags), the rest left at their defaults: the summary names
   * up to seven fixes and is written for every fix, and the full fixes are in the fix store. A fix
   * to be emitted again is read from there.
   */
  static Fix slim(Fix f) {
    if (f == null) {
      return null;
    }
    return Fix.newBuilder()
        .setCollarId(f.getCollarId())
        .setFixTime(f.getFixTime())
        .setLat(f.getLat())
        .setLon(f.getLon())
        .setFixType(f.getFixType())
        .setReceivedAt(f.getReceivedAt())
        .setDeploymentId(f.getDeploymentId())
        .setAnimalId(f.getAnimalId())
        .setCountry(f.getCountry())
        .setQualityFlags(f.getQualityFlags())
        .setLocationClass(f.getLocationClass())
        .setErrorRadiusM(f.getErrorRadiusM())
        .build();
  }
}
