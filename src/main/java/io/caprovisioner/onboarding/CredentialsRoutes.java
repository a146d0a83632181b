package io.caprovisioner.onboarding;

import io.caprovisioner.config.Config;
import io.caprovisioner.crypto.OneTimeTokens;
import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.db.CredentialTokens;
import io.caprovisioner.db.TenantRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /credentials/{token}}, the one-time link of the welcome message. GET only asks (mail
 * scanners and link previews fetch links, and must not use them up); the POST of its button uses
 * the token and shows the administrator password, in the transaction that marks the token used.
 * Every answer is a page, never cached; a bad token is a page saying so, never a 5xx.
 */
public final class CredentialsRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialsRoutes.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The account the installer creates; its password is the one the installer Job sets. */
  static final String USERNAME = "administrator";

  private final Pool pool;
  private final SecretBox box;
  private final CredentialsPages pages;
  private final CredentialTokens tokens = new CredentialTokens();
  private final TenantRepository tenants = new TenantRepository();

  public CredentialsRoutes(Pool pool, Config config) {
    this.pool = pool;
    this.box = new SecretBox(config.secrets().secretKey());
    this.pages = new CredentialsPages(config.brand());
  }

  public void mount(Router router) {
    router.get("/credentials/:token").handler(this::ask);
    router.post("/credentials/:token").handler(this::reveal);
  }

  private void ask(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    if (!OneTimeTokens.wellFormed(token)) {
      send(ctx, 404, pages.unknown(), null);
      return;
    }
    tokens.lookup(pool, OneTimeTokens.sha256Hex(token))
        .onSuccess(l -> {
          if (l.state() == CredentialTokens.State.USABLE) {
            send(ctx, 200, pages.confirm(), null);
          } else {
            notUsable(ctx, l.state());
          }
        })
        .onFailure(e -> unavailable(ctx, e));
  }

  private void reveal(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    if (!OneTimeTokens.wellFormed(token)) {
      send(ctx, 404, pages.unknown(), null);
      return;
    }
    String hash = OneTimeTokens.sha256Hex(token);
    // the password is opened inside the transaction: if that fails, the token is not used up
    pool.withTransaction(sql -> tokens.use(sql, hash).compose(tenantId -> tenantId.isEmpty()
            ? Future.succeededFuture(Optional.<Shown>empty())
            : Future.all(tenants.byId(sql, tenantId.get()), tenants.sealedAdminPassword(sql, tenantId.get()))
                .map(all -> {
                  Optional<io.caprovisioner.tenant.Tenant> t = all.resultAt(0);
                  Optional<String> sealed = all.resultAt(1);
                  if (t.isEmpty() || sealed.isEmpty()) {
                    throw new IllegalStateException("tenant " + tenantId.get() + " has no administrator password");
                  }
                  return Optional.of(new Shown("https://" + t.get().names().domain(), box.open(sealed.get())));
                })))
        .onSuccess(shown -> {
          if (shown.isPresent()) {
            String nonce = nonce();
            send(ctx, 200, pages.revealed(shown.get().siteUrl(), USERNAME, shown.get().password(), nonce), nonce);
          } else {
            tokens.lookup(pool, hash).onSuccess(l -> notUsable(ctx, l.state())).onFailure(e -> unavailable(ctx, e));
          }
        })
        .onFailure(e -> unavailable(ctx, e));
  }

  private record Shown(String siteUrl, String password) {
  }

  private void notUsable(RoutingContext ctx, CredentialTokens.State state) {
    switch (state) {
      case USED -> send(ctx, 410, pages.used(), null);
      case EXPIRED -> send(ctx, 410, pages.expired(), null);
      case REVOKED -> send(ctx, 410, pages.replaced(), null);
      default -> send(ctx, 404, pages.unknown(), null);
    }
  }

  private void unavailable(RoutingContext ctx, Throwable e) {
    LOG.error("credentials page failed", e);
    ctx.fail(e);
  }

  private static void send(RoutingContext ctx, int status, String html, String nonce) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            + "frame-ancestors 'none'" + (nonce == null ? "" : "; script-src 'nonce-" + nonce + "'"))
        .end(html);
  }

  private static String nonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
