package org.tugai.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ranger's link as a TCP relay in front of the station: the browser talks to the station
 * through it, and the test can cut it (every open connection reset, new ones reset at once) and
 * bring it back on the same port, so the page's origin, its service worker and what it kept stay
 * the same. A cut here fails every request for real, the service worker's too, which the DevTools
 * protocol's emulated offline network does not reliably do across a reload.
 */
final class WeakLink implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress station;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean cut = new AtomicBoolean();
  private final Thread acceptor;

  WeakLink(int stationPort) throws IOException {
    this.station = new InetSocketAddress(InetAddress.getLoopbackAddress(), stationPort);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "weak-link");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The link goes: open connections are reset, and so is every new one until {@link #restore}. */
  void cut() {
    cut.set(true);
    open.forEach(this::drop);
  }

  void restore() {
    cut.set(false);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket browser;
      try {
        browser = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut.get()) {
        reset(browser);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(station, 5_000);
      } catch (IOException e) {
        reset(upstream);
        reset(browser);
        continue;
      }
      open.add(browser);
      open.add(upstream);
      pump(browser, upstream);
      pump(upstream, browser);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // the other side went, or the link was cut
              } finally {
                drop(from);
                drop(to);
              }
            },
            "weak-link-pump");
    t.setDaemon(true);
    t.start();
  }

  private void drop(Socket s) {
    open.remove(s);
    reset(s);
  }

  /** Closed with a reset, as a dropped radio link looks to the browser: no orderly end. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(this::drop);
  }
}
