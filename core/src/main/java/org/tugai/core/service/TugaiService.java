package org.tugai.core.service;

/** A long-running part of the pipeline. {@link #start} returns once it is ready; it logs one line with "started". */
public interface TugaiService extends AutoCloseable {

  String name();

  void start() throws Exception;

  @Override
  void close();
}
