package org.tugai.gateway.iridium;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tugai.core.service.Executors;
import org.tugai.schemas.Channels;

/**
 * Accepts the Iridium gateway's DirectIP MO connections: one message per connection, confirmed (MO
 * confirmation, status 1) only after Kafka acknowledged what it became, then closed. A connection
 * that breaks off mid-message, or a message Kafka does not take within {@code confirmTimeout}, gets
 * no confirmation, and the Iridium gateway delivers it again. Peers outside {@code allowedPeers}
 * (when set) are closed on without a word.
 */
public final class DirectIpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DirectIpServer.class);

  private final SatelliteSettings.DirectIpSettings settings;
  private final SbdIntake intake;
  private ServerSocket server;
  private Thread acceptor;
  private ThreadPoolExecutor connections;
  private volatile boolean running;
  private final AtomicInteger refusedPeers = new AtomicInteger();

  public DirectIpServer(SatelliteSettings.DirectIpSettings settings, SbdIntake intake) {
    this.settings = settings;
    this.intake = intake;
  }

  public void start() throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port()), 50);
    AtomicInteger n = new AtomicInteger();
    connections =
        new ThreadPoolExecutor(
            settings.maxConnections(),
            settings.maxConnections(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(settings.maxConnections() * 4),
            r -> new Thread(r, "gateway-directip-" + n.incrementAndGet()));
    running = true;
    acceptor = new Thread(this::acceptLoop, "gateway-directip-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info("DirectIP MO listening on {}:{}", settings.bind(), port());
  }

  /** The port listened on (the configured one, or the free one picked for port 0). */
  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (running) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (running) {
          log.warn("DirectIP accept failed: {}", e.toString());
          // Out of file descriptors, say: pause rather than spin on the same error.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        continue;
      }
      String peer = socket.getInetAddress().getHostAddress();
      if (!settings.allowedPeers().isEmpty() && !settings.allowedPeers().contains(peer)) {
        if (refusedPeers.getAndIncrement() % 100 == 0) {
          log.warn(
              "DirectIP connection from {} refused: not in gateway.directip.allowed-peers ({} refused so far)",
              peer,
              refusedPeers.get());
        }
        closeQuietly(socket);
        continue;
      }
      try {
        connections.execute(() -> serve(socket, peer));
      } catch (RejectedExecutionException busy) {
        // Every worker busy and the queue full: closing unconfirmed makes the Iridium gateway try
        // again later.
        log.warn(
            "DirectIP connection from {} closed unconfirmed: {} connections already waiting",
            peer,
            connections.getQueue().size());
        closeQuietly(socket);
      }
    }
  }

  private void serve(Socket socket, String peer) {
    try (socket) {
      socket.setSoTimeout((int) settings.readTimeout().toMillis());
      InputStream in = socket.getInputStream();
      byte[] bytes;
      try {
        bytes = DirectIp.readMessage(in);
      } catch (DirectIp.TruncatedException e) {
        log.info(
            "DirectIP connection from {} ended mid-message ({}): nothing taken, the Iridium gateway will deliver it again",
            peer,
            e.getMessage());
        return;
      } catch (DirectIp.NotDirectIpException e) {
        log.warn("DirectIP connection from {} closed: {}", peer, e.getMessage());
        return;
      }
      CompletableFuture<SbdIntake.Outcome> done;
      String what;
      try {
        SbdMessage message = DirectIp.parse(bytes);
        what = "IMEI " + message.imei() + " MOMSN " + message.momsn();
        done = intake.accept(message);
      } catch (DirectIp.MalformedException e) {
        what = "a malformed message from " + peer;
        log.warn(
            "DirectIP message from {} is malformed: {}; kept as a dead letter",
            peer,
            e.getMessage());
        done = intake.malformed(Channels.IRIDIUM_DIRECTIP, e.bytes(), peer, e.getMessage());
      }
      SbdIntake.Outcome outcome;
      try {
        outcome = done.get(settings.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn(
            "DirectIP {}: Kafka did not acknowledge within {}; closed unconfirmed, the Iridium gateway will deliver it again",
            what,
            settings.confirmTimeout());
        intake.unconfirmed(Channels.IRIDIUM_DIRECTIP);
        return;
      } catch (ExecutionException e) {
        log.warn("DirectIP {}: not sent ({}); closed unconfirmed", what, e.getCause().toString());
        intake.unconfirmed(Channels.IRIDIUM_DIRECTIP);
        return;
      }
      OutputStream out = socket.getOutputStream();
      out.write(DirectIp.confirmation(true));
      out.flush();
      log.debug("DirectIP {} confirmed ({})", what, outcome);
    } catch (SocketTimeoutException e) {
      log.info(
          "DirectIP connection from {} sent nothing for {}: closed", peer, settings.readTimeout());
    } catch (SocketException e) {
      log.info("DirectIP connection from {} broke: {}", peer, e.getMessage());
    } catch (IOException e) {
      log.warn("DirectIP connection from {} failed: {}", peer, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket we refuse: nothing to do about a failure
    }
  }

  @Override
  public void close() {
    running = false;
    if (server != null) {
      try {
        server.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    Executors.stop(connections, Duration.ofSeconds(5));
  }
}
