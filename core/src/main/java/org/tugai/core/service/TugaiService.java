package org.tugai.core.service;

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
  default java.util.List<String> problems() {
    return java.util.List.of();
  }

  /**
   * Why this service has failed for good (a systemic failure, a dead thread), if it has: {@code
   * /health} answers 503 and the process exits with {@code 70} unless {@code
   * process.exit-on-failure} is false.
   */
  default java.util.Optional<String> failure() {
    return java.util.Optional.empty();
  }

  @Override
  void close();
}
