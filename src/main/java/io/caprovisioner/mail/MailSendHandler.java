package io.caprovisioner.mail;

import io.caprovisioner.config.Config;
import io.caprovisioner.crypto.BillingLinks;
import io.caprovisioner.crypto.OneTimeTokens;
import io.caprovisioner.db.CredentialTokens;
import io.caprovisioner.db.MessageStatus;
import io.caprovisioner.db.OutboundMessages;
import io.caprovisioner.db.OutboundMessages.StoredMessage;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.Job;
import io.caprovisioner.jobs.JobContext;
import io.caprovisioner.jobs.JobHandler;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailMessage;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mail.send}: hands one outbox message over. The text is made now, with fresh links: a
 * one-time password link is a new token (only its hash stored, the message's earlier one revoked),
 * so a message sent twice after a crash has one working link. A temporary failure (connection
 * refused, a 4xx reply) fails the job, which the queue retries with backoff; a permanent one
 * (5xx) marks the message failed. Logs say which message and where it went, never the text or
 * the address.
 */
public final class MailSendHandler implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(MailSendHandler.class);
  /** How long the billing link in a message works. */
  static final Duration BILLING_LINK_LIFETIME = Duration.ofDays(30);

  private final Pool pool;
  private final Config.Brand brand;
  private final Config.Mail mail;
  private final MessageTemplates templates;
  private final MailTransport transport;
  private final BillingLinks billingLinks;
  private final int finalBackupDays;
  private final OutboundMessages messages = new OutboundMessages();
  private final TenantRepository tenants = new TenantRepository();
  private final CredentialTokens tokens = new CredentialTokens();

  private MailSendHandler(Pool pool, Config.Brand brand, Config.Mail mail, MessageTemplates templates,
      MailTransport transport, BillingLinks billingLinks, int finalBackupDays) {
    this.pool = pool;
    this.finalBackupDays = finalBackupDays;
    this.brand = brand;
    this.mail = mail;
    this.templates = templates;
    this.transport = transport;
    this.billingLinks = billingLinks;
  }

  /**
   * SMTP when SMTP_URL is set, else .eml files under PROVISIONER_HOME/outbox. Loads (and checks)
   * the templates: a broken operator template stops the start.
   */
  public static MailSendHandler create(Vertx vertx, Pool pool, Config config) {
    Config.Mail mail = config.mail();
    MailTransport transport = mail.smtp().<MailTransport>map(url -> new SmtpMailTransport(vertx, url))
        .orElseGet(() -> new EmlMailTransport(vertx, mail.outboxDir()));
    return new MailSendHandler(pool, config.brand(), mail, MessageTemplates.load(mail.templateDir()), transport,
        new BillingLinks(config.secrets().secretKey()), config.backups().finalDays());
  }

  /** Where messages go, for the start-up log. */
  public String destination() {
    return mail.smtp().map(u -> "SMTP " + u).orElse(".eml files in " + mail.outboxDir());
  }

  @Override
  public Future<Outcome> run(JobContext ctx) {
    Long id = ctx.job().payload().getLong("message_id");
    if (id == null) {
      return Future.failedFuture(new IllegalArgumentException("mail.send job without a message_id"));
    }
    return messages.byId(pool, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Outcome.stop("message " + id + " no longer exists"));
      }
      StoredMessage m = found.get();
      if (m.status() != MessageStatus.PENDING) {
        return Future.succeededFuture(Outcome.stop("message " + id + " is already " + m.status().wire()));
      }
      return Future.all(tenants.byId(pool, m.tenantId()), tenants.contactEmail(pool, m.tenantId()))
          .compose(all -> {
            Optional<Tenant> tenant = all.resultAt(0);
            Optional<String> to = all.resultAt(1);
            if (tenant.isEmpty() || to.isEmpty()) {
              return refused(ctx, m, "the tenant has no contact email");
            }
            return send(ctx, m, tenant.get(), to.get());
          });
    });
  }

  private Future<Outcome> send(JobContext ctx, StoredMessage m, Tenant tenant, String to) {
    Optional<String> token = m.kind().carriesCredentialsLink() ? Optional.of(OneTimeTokens.generate())
        : Optional.empty();
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusHours(mail.credentialsLinkHours());
    String billing = brand.publicUrl() + "/billing/" + billingLinks.sign(tenant.id(),
        Instant.now().plus(BILLING_LINK_LIFETIME));
    MessageTemplates.Text text = templates.render(m.kind(), MessageValues.of(brand, mail, m, tenant,
        token.map(t -> brand.publicUrl() + "/credentials/" + t), billing, finalBackupDays));
    MailMessage message = new MailMessage().setFrom(mail.from()).setTo(to).setSubject(text.subject())
        .setText(text.plain()).setHtml(text.html()).addHeader("Auto-Submitted", "auto-generated");
    return ctx.fenced(sql -> messages.attempted(sql, m.id())
            .compose(v -> token.map(t -> tokens.issue(sql, tenant.id(), m.id(), OneTimeTokens.sha256Hex(t), expires))
                .orElse(Future.succeededFuture())))
        .compose(v -> transport.deliver(m.id(), message))
        .transform(ar -> {
          if (ar.succeeded()) {
            LOG.info("message {} ({}, tenant {}) {}", m.id(), m.kind().wire(), tenant.names().namespace(),
                ar.result());
            return ctx.fenced(sql -> messages.sent(sql, m.id()))
                .map(v -> Outcome.done("message " + m.id() + " " + ar.result()));
          }
          Throwable e = ar.cause();
          if (MailFailures.permanent(e)) {
            return refused(ctx, m, "refused by the mail server: " + MailFailures.describe(e));
          }
          String why = MailFailures.describe(e);
          LOG.warn("message {} ({}) not handed over yet, will retry: {}", m.id(), m.kind().wire(), why);
          // the queue keeps this as the job's last_error, so it too carries no address
          return ctx.fenced(sql -> messages.retrying(sql, m.id(), why))
              .transform(ignored -> Future.<Outcome>failedFuture(new IllegalStateException(why)));
        });
  }

  private Future<Outcome> refused(JobContext ctx, StoredMessage m, String why) {
    LOG.warn("message {} ({}) failed for good: {}", m.id(), m.kind().wire(), why);
    return ctx.fenced(sql -> messages.failed(sql, m.id(), why))
        .map(v -> Outcome.stop("message " + m.id() + " failed: " + why));
  }

  /** Out of attempts: the message is failed; an operator may resend it. */
  @Override
  public Future<Void> dead(Job job, String lastError) {
    Long id = job.payload().getLong("message_id");
    return id == null ? Future.succeededFuture()
        : messages.failed(pool, id, "gave up after " + job.attempts() + " attempts: " + lastError);
  }

  public Future<Void> close() {
    return transport.close();
  }
}
