package io.caprovisioner.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A git forge over smart HTTP: Git's own {@code git http-backend} (CGI) behind the JDK's HTTP
 * server, serving the bare repositories under a folder, pushes allowed. {@link #hang()} makes it a
 * hung forge: it still accepts connections and reads requests, and answers none of them until
 * {@link #answer()}.
 */
final class GitHttpServer implements AutoCloseable {
  private final Path root;
  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private volatile CountDownLatch hung;

  GitHttpServer(Path root) throws IOException {
    this.root = root;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String repository) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repository;
  }

  void hang() {
    hung = new CountDownLatch(1);
  }

  /** Answers again; a request held while hung is dropped (its client gave up long ago). */
  void answer() {
    CountDownLatch held = hung;
    hung = null;
    if (held != null) {
      held.countDown();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    CountDownLatch held = hung;
    if (held != null) {
      try {
        held.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    try {
      cgi(exchange);
    } finally {
      exchange.close();
    }
  }

  private void cgi(HttpExchange exchange) throws IOException {
    ProcessBuilder backend = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = backend.environment();
    env.put("GIT_PROJECT_ROOT", root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", exchange.getRequestURI().getPath());
    env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
    env.put("REMOTE_ADDR", "127.0.0.1");
    env.put("REMOTE_USER", "ca-provisioner"); // receive-pack needs an authenticated user (or http.receivepack)
    exchange.getRequestHeaders().forEach((name, values) -> {
      String key = name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
      switch (key) {
        case "CONTENT_TYPE", "CONTENT_LENGTH" -> env.put(key, values.get(0));
        default -> env.put("HTTP_" + key, String.join(", ", values));
      }
    });
    Process process = backend.start();
    Thread feeder = new Thread(() -> {
      try (InputStream in = exchange.getRequestBody(); OutputStream out = process.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException ignored) {
        // the backend stopped reading: its answer says why
      }
    });
    feeder.start();
    try (InputStream out = process.getInputStream()) {
      int status = 200;
      for (String line; !(line = headerLine(out)).isEmpty(); ) {
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        if (name.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(value.substring(0, 3));
        } else {
          exchange.getResponseHeaders().put(name, List.of(value));
        }
      }
      exchange.sendResponseHeaders(status, 0);
      try (OutputStream body = exchange.getResponseBody()) {
        out.transferTo(body);
      }
    } finally {
      try {
        feeder.join(10_000);
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroy();
    }
  }

  private static String headerLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1 && b != '\n'; ) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    answer();
    server.stop(0);
    handlers.shutdownNow();
  }
}
