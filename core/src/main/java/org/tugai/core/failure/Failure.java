package org.tugai.core.failure;

/**
 * What a failure means for the loop that met it, the same three outcomes for every dependency
 * (Kafka, PostgreSQL, MQTT, webhooks); each dependency's classifier is the one place that decides.
 */
public enum Failure {
  /** The dependency is away or busy: wait and retry the same work, pausing intake meanwhile. */
  RETRIABLE,
  /** This record cannot be handled, now or later: dead letter it with the reason and go on. */
  POISON,
  /**
   * Configuration or permission: no record will get through until an operator acts. Stop the
   * affected service with one clear ERROR line, {@code /health} down, a non-zero exit when it runs
   * alone.
   */
  SYSTEMIC
}
