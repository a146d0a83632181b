package io.caprovisioner.gitimport;

import io.caprovisioner.tenant.Refusal;
import io.caprovisioner.web.ApiError;
import java.time.Duration;
import io.caprovisioner.web.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/**
 * {@code POST /webhooks/git} (a forge's push notification, only a trigger to fetch) and the
 * operator's {@code /admin/gitops/...} (import status, held deletions and their confirmation).
 * {@code /webhooks/*} is public, so the webhook checks GIT_WEBHOOK_TOKEN itself; without a token
 * configured the route answers 404, as if it did not exist: polling alone imports then.
 */
public final class GitImportRoutes {
  /**
   * The body is only read for its signature and then thrown away (the import fetches what changed),
   * so a push notification larger than this is refused rather than buffered: an unauthenticated
   * route must not let anyone fill the heap.
   */
  static final int WEBHOOK_BODY_LIMIT = 1024 * 1024;

  private final Pool pool;
  private final GitImporter importer;
  private final ImportScheduler scheduler;
  private final Optional<PushSignature> signature;
  private final int maxDeletions;
  private final ImportStateStore state = new ImportStateStore();

  public GitImportRoutes(Pool pool, GitImporter importer, ImportScheduler scheduler, Optional<String> webhookToken,
      int maxDeletions) {
    this.pool = pool;
    this.importer = importer;
    this.scheduler = scheduler;
    this.signature = webhookToken.map(PushSignature::new);
    this.maxDeletions = maxDeletions;
  }

  public void mount(Router router) {
    router.post("/webhooks/git").handler(this::refuseBeforeReading);
    router.post("/webhooks/git").handler(BodyHandler.create(false).setBodyLimit(WEBHOOK_BODY_LIMIT))
        .handler(this::push);
    router.get("/admin/gitops/import").handler(this::status);
    router.post("/admin/gitops/import").handler(this::importNow);
    router.get("/admin/gitops/pending-deletions").handler(this::pending);
    router.post("/admin/gitops/pending-deletions/confirm").handler(this::confirm);
  }

  /** Answers from the headers alone, so neither an unconfigured route nor a huge body is ever buffered. */
  private void refuseBeforeReading(RoutingContext ctx) {
    if (signature.isEmpty()) {
      ctx.response().putHeader("Connection", "close");
      ErrorResponses.send(ctx, 404, "not_found", "the git webhook is not configured (GIT_WEBHOOK_TOKEN is unset); "
          + "the gitops repository is polled instead");
      return;
    }
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && !length.isBlank()) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = Long.MAX_VALUE;
      }
      if (declared > WEBHOOK_BODY_LIMIT) {
        ctx.response().putHeader("Connection", "close");
        ErrorResponses.send(ctx, 413, "payload_too_large", "a push notification is at most " + WEBHOOK_BODY_LIMIT
            + " bytes");
        return;
      }
    }
    ctx.next();
  }

  private void push(RoutingContext ctx) {
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    if (!signature.get().verify(body, ctx.request()::getHeader)) {
      ErrorResponses.send(ctx, 401, "unauthorized", "the push notification's signature or token does not match "
          + "GIT_WEBHOOK_TOKEN");
      return;
    }
    scheduler.request();
    respond(ctx, 202, new JsonObject().put("status", "accepted").put("detail", "the gitops repository is fetched now"));
  }

  private void status(RoutingContext ctx) {
    reply(ctx, 200, state.status(pool).map(s -> s.put("max_deletions", maxDeletions)));
  }

  private void importNow(RoutingContext ctx) {
    scheduler.request();
    respond(ctx, 202, new JsonObject().put("status", "accepted"));
  }

  private void pending(RoutingContext ctx) {
    reply(ctx, 200, state.pending(pool).map(p -> new JsonObject().put("max_deletions", maxDeletions)
        .put("pending", ImportStateStore.json(p))));
  }

  /**
   * Imports once more first, so that folders restored meanwhile are no longer pending, then deletes;
   * both under the import's advisory lock ({@link GitImporter#confirmPendingDeletions}). While
   * another import holds it: 409 and nothing deleted, the client retries.
   */
  private void confirm(RoutingContext ctx) {
    importer.confirmPendingDeletions("admin-api")
        .map(deleted -> new JsonObject().put("deleted", new JsonArray(deleted)))
        .onSuccess(json -> respond(ctx, 200, json))
        .onFailure(e -> {
          if (e instanceof GitImporter.ImportBusy) {
            ctx.fail(Refusal.busy(e.getMessage(), Duration.ofSeconds(5)));
          } else if (e instanceof GitImporter.RecheckFailed) {
            ctx.fail(Refusal.unavailable("cannot re-check the gitops repository before deleting, "
                + "nothing was deleted: " + e.getMessage()));
          } else {
            ctx.fail(e);
          }
        });
  }

  private static void reply(RoutingContext ctx, int status, Future<JsonObject> body) {
    body.onSuccess(json -> respond(ctx, status, json)).onFailure(ctx::fail);
  }

  private static void respond(RoutingContext ctx, int status, JsonObject json) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json.encode());
  }
}
