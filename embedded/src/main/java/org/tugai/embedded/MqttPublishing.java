package org.tugai.embedded;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Publishing as a device does, QoS 1, coping with Paho's in-flight window. */
public final class MqttPublishing {

  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private MqttPublishing() {}

  /**
   * Publishes and waits for the broker's PUBACK. Paho 1.2.5 frees an in-flight slot slightly after
   * the PUBACK wakes the publisher, so a tight loop can be told "too many publishes in progress"
   * (32202) although nothing is outstanding; on a loaded two-core machine that lag reaches
   * milliseconds. Back off briefly and try again, for up to 30 s, which is far longer than any real
   * in-flight slot stays taken.
   */
  public static void publish(MqttClient client, String topic, byte[] payload) throws MqttException {
    long deadline = System.nanoTime() + GIVE_UP_NANOS;
    long pause = TimeUnit.MICROSECONDS.toNanos(50);
    while (true) {
      try {
        client.publish(topic, payload, 1, false);
        return;
      } catch (MqttException e) {
        if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT
            || System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(pause);
        pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }
}
