package io.caprovisioner.mail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.mailencoder.MailEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Dev mode (no SMTP_URL): each message as an RFC 5322 file {@code <outbox>/message-<id>.eml},
 * encoded exactly as the SMTP client would send it. One file per message: a retry rewrites it.
 */
final class EmlMailTransport implements MailTransport {
  private final Vertx vertx;
  private final Path dir;

  EmlMailTransport(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  /** The file a message is written to. */
  static Path file(Path dir, long messageId) {
    return dir.resolve("message-" + messageId + ".eml");
  }

  @Override
  public Future<String> deliver(long messageId, MailMessage message) {
    return vertx.executeBlocking(() -> {
      String encoded = new MailEncoder(message, "localhost").encode();
      Files.createDirectories(dir);
      Path target = file(dir, messageId);
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      Files.writeString(tmp, encoded.replace("\r\n", "\n").replace("\n", "\r\n"), StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return "written to " + target;
    }, false);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
