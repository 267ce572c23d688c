package org.tugai.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Publishes prepared messages at QoS 1 with a bounded window, as fast as the broker takes them or
 * at a set rate.
 */
final class Publisher implements AutoCloseable {

  record Message(String topic, byte[] payload) {}

  private final MqttAsyncClient client;
  private final Semaphore window;

  Publisher(String url, String clientId, int window) throws MqttException {
    client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    client.connect(o).waitForCompletion(10_000);
    this.window = new Semaphore(window);
  }

  /**
   * Publishes {@code count} messages, message i made by {@code messageAt} just before it is sent;
   * rate 0 is flat out.
   */
  void publish(int count, IntFunction<Message> messageAt, int ratePerSecond) throws Exception {
    long interval = ratePerSecond == 0 ? 0 : 1_000_000_000L / ratePerSecond;
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      window.acquire();
      Message m = messageAt.apply(i);
      MqttMessage message = new MqttMessage(m.payload());
      message.setQos(1);
      while (true) {
        try {
          client.publish(
              m.topic(),
              message,
              null,
              new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                  window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                  window.release();
                }
              });
          break;
        } catch (MqttException e) {
          if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
            throw e;
          }
          Thread.onSpinWait();
        }
      }
      if (interval > 0) {
        next += interval;
        LockSupport.parkNanos(next - System.nanoTime());
      }
    }
  }

  @Override
  public void close() throws MqttException {
    client.disconnect().waitForCompletion(5_000);
    client.close();
  }
}
