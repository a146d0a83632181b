package io.caprovisioner.mail;

import io.caprovisioner.config.SmtpUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

/** SMTP_URL: vertx-mail-client, one connection per message (few messages; a restarted server is no stale pool). */
final class SmtpMailTransport implements MailTransport {
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private final MailClient client;
  private final SmtpUrl url;

  SmtpMailTransport(Vertx vertx, SmtpUrl url) {
    this.url = url;
    MailConfig config = new MailConfig().setHostname(url.host()).setPort(url.port()).setKeepAlive(false)
        .setConnectTimeout(CONNECT_TIMEOUT_MS);
    switch (url.security()) {
      case TLS -> config.setSsl(true).setStarttls(StartTLSOptions.DISABLED);
      case STARTTLS_REQUIRED -> config.setStarttls(StartTLSOptions.REQUIRED);
      case STARTTLS_OPTIONAL -> config.setStarttls(StartTLSOptions.OPTIONAL);
      case NONE -> config.setStarttls(StartTLSOptions.DISABLED);
    }
    if (url.security() != SmtpUrl.Security.NONE) {
      config.setHostnameVerificationAlgorithm("HTTPS");
    }
    if (url.username().isPresent()) {
      config.setLogin(LoginOption.REQUIRED).setUsername(url.username().get())
          .setPassword(url.password().orElse(""));
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    this.client = MailClient.create(vertx, config);
  }

  @Override
  public Future<String> deliver(long messageId, MailMessage message) {
    return client.sendMail(message).map(r -> "handed to " + url.host() + ":" + url.port() + " as "
        + r.getMessageID());
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
