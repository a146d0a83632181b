package io.caprovisioner.mail;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.parsetools.RecordParser;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server that answers every RCPT TO with one fixed reply (a 5xx or 4xx), quoting the
 * address as real servers do: what GreenMail, which accepts everything, cannot show.
 */
final class RefusingSmtpServer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  final AtomicInteger refusals = new AtomicInteger();
  volatile String reply;

  RefusingSmtpServer(String reply) {
    this.reply = reply;
    server = vertx.createNetServer().connectHandler(socket -> {
      socket.write("220 refusing.example ESMTP\r\n");
      socket.handler(RecordParser.newDelimited("\r\n", line -> {
        String cmd = line.toString().toUpperCase(Locale.ROOT);
        if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) {
          socket.write("250 refusing.example\r\n");
        } else if (cmd.startsWith("RCPT TO")) {
          refusals.incrementAndGet();
          String address = line.toString().substring(line.toString().indexOf(':') + 1).trim();
          socket.write(this.reply.replace("{address}", address) + "\r\n");
        } else if (cmd.startsWith("QUIT")) {
          socket.write("221 bye\r\n").onComplete(v -> socket.close());
        } else {
          socket.write("250 OK\r\n");
        }
      }));
    });
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
