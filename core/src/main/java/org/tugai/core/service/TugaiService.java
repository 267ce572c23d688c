package org.tugai.core.service;

import java.util.List;
import java.util.Optional;

/**
 * A long-running part of the pipeline. {@link #start} returns once it is ready; it logs one line
 * with "started".
 */
public interface TugaiService extends AutoCloseable {

  String name();

  void start() throws Exception;

  /**
   * What is wrong with this service now, one line each, though it runs (a session taken over, a
   * thread that died): {@code /health} answers 503 with these while the list is not empty.
   */
  default List<String> problems() {
    return List.of();
  }

  /**
   * Why this service has failed for good (a systemic failure, a dead thread), if it has: {@code
   * /health} answers 503 and the process exits with {@code 70} unless {@code
   * process.exit-on-failure} is false.
   */
  default Optional<String> failure() {
    return Optional.empty();
  }

  @Override
  void close();
}
