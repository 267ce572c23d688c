package org.tugai.core.service;

/** A long-running part of the pipeline. {@link #start} returns once it is ready; it logs one line with "started". */
public interface TugaiService extends AutoCloseable {

  String name();

  void start() throws Exception;

  /**
   * What is wrong with this service now, one line each, though it runs (a session taken over, a thread that died):
   * {@code /health} answers 503 with these while the list is not empty.
   */
  default java.util.List<String> problems() {
    return java.util.List.of();
  }

  @Override
  void close();
}
