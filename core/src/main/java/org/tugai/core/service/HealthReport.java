package org.tugai.core.service;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /health} says of a process's services: failed ones (DOWN), ones with problems though
 * they run (DEGRADED), or neither (UP). Anything but UP answers 503.
 *
 * @param failures one line per failed service
 * @param problems one line per problem of a running service
 */
public record HealthReport(List<String> failures, List<String> problems) {

  public static HealthReport of(List<? extends TugaiService> services) {
    List<String> failures = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (TugaiService s : services) {
      s.failure().ifPresent(f -> failures.add(s.name() + ": " + f));
      s.problems().forEach(p -> problems.add(s.name() + ": " + p));
    }
    return new HealthReport(List.copyOf(failures), List.copyOf(problems));
  }

  public String status() {
    return !failures.isEmpty() ? "DOWN" : !problems.isEmpty() ? "DEGRADED" : "UP";
  }

  public boolean healthy() {
    return failures.isEmpty() && problems.isEmpty();
  }

  /** Failures first, then problems: what the health body lists. */
  public List<String> all() {
    List<String> all = new ArrayList<>(failures);
    all.addAll(problems);
    return all;
  }
}
