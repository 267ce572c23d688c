package org.tugai.core.failure;

import java.net.MalformedURLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Answers of a webhook receiver (or any HTTP peer we push to): the one place webhook delivery asks.
 */
public final class HttpFailures {

  private HttpFailures() {}

  /** The outcome of an HTTP status that is not 2xx. */
  public static Failure classifyStatus(int status) {
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      return Failure.RETRIABLE;
    }
    // The receiver does not know us or our secret, or the URL is wrong: configuration, on either
    // side.
    if (status == 401 || status == 403 || status == 404 || status == 405 || status == 407) {
      return Failure.SYSTEMIC;
    }
    // 400, 409, 413, 415, 422, ...: the receiver refuses this payload.
    return Failure.POISON;
  }

  /**
   * The outcome of a request that got no answer (connection refused, reset, timed out, TLS
   * failure).
   */
  public static Failure classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLHandshakeException
          || t instanceof MalformedURLException
          || t instanceof IllegalArgumentException) {
        return Failure.SYSTEMIC;
      }
    }
    return Failure.RETRIABLE;
  }
}
