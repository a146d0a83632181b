package io.caprovisioner.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on a fixed local port in front of a server that a test stops and starts (which
 * may come back on another port): the client keeps one address, and the test counts how often
 * the client tried to connect. While the server is down a connection is accepted and closed at
 * once, as a refused one would be.
 */
public final class CountingForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile int target;

  public CountingForwarder(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "forwarder-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections clients opened so far (each a try to reach the server). */
  public int connections() {
    return connections.get();
  }

  public void retarget(int port) {
    this.target = port;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        Socket upstream = new Socket();
        try {
          upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 1_000);
        } catch (IOException down) {
          client.close();
          upstream.close();
          continue;
        }
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        // closed, or one client's trouble: keep accepting until closed
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException ignored) {
        // either side went away
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
