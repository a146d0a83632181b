package io.caprovisioner.api;

import io.caprovisioner.backup.BackupStorageRequired;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.web.ApiError;
import io.caprovisioner.web.Json;
import io.caprovisioner.web.RequestParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /admin/tenants/{id}/backups} and {@code /restore}: both recorded as intents of the
 * tenant's reconcile, which takes the backup or runs the restore and logs each step.
 */
public final class BackupRoutes {
  /** A client that sends it gets the same backup when it asks again (a retried request). */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private final Pool pool;
  private final TenantLifecycle lifecycle;
  private final TenantRepository tenants = new TenantRepository();
  private final BackupStore backups = new BackupStore();
  private final BackupStorageRequired storage;

  public BackupRoutes(Pool pool, TenantLifecycle lifecycle, BackupStorageRequired storage) {
    this.pool = pool;
    this.lifecycle = lifecycle;
    this.storage = storage;
  }

  public void mount(Router router, BodyHandler body) {
    router.post("/admin/tenants/:id/backups").handler(this::request);
    router.get("/admin/tenants/:id/backups").handler(this::list);
    router.post("/admin/tenants/:id/restore").handler(body).handler(this::restore);
  }

  private void request(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Optional<String> idempotency = Optional.ofNullable(ctx.request().getHeader(IDEMPOTENCY_KEY)).map(String::strip)
        .filter(k -> !k.isEmpty());
    if (idempotency.isPresent() && (idempotency.get().length() > 200
        || RequestParams.hasControlCharacter(idempotency.get()))) {
      throw ApiError.badRequest(IDEMPOTENCY_KEY + " must be at most 200 characters without control characters");
    }
    storage.check("a backup");
    String key = "on-demand " + idempotency.orElseGet(() -> UUID.randomUUID().toString());
    Json.respond(ctx, 202, lifecycle.requestBackup(id, BackupKind.ON_DEMAND, key, "admin-api")
        .compose(backupId -> backups.byId(pool, backupId))
        .map(b -> new JsonObject().put("tenant_id", id).put("backup", b.orElseThrow().json())));
  }

  /** Newest first: time, kind, status, size, checksum, object. */
  private void list(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, TenantRoutes.found(tenants.byId(pool, id), "no tenant with id " + id)
        .compose(t -> backups.list(pool, id))
        .map(all -> {
          JsonArray out = new JsonArray();
          all.forEach(b -> out.add(b.json()));
          return new JsonObject().put("tenant_id", id).put("backups", out);
        }));
  }

  private void restore(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    JsonObject body = RequestParams.jsonBody(ctx);
    for (String field : body.fieldNames()) {
      if (!field.equals("backup_id")) {
        throw ApiError.badRequest("unknown field '" + field + "' (expected: backup_id)");
      }
    }
    Object backupId = body.getValue("backup_id");
    if (!(backupId instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
      throw ApiError.badRequest("backup_id is required: the id of one of the tenant's backups (GET "
          + "/admin/tenants/" + id + "/backups)");
    }
    storage.check("a restore");
    Json.respond(ctx, 202, lifecycle.requestRestore(id, n.longValue(), "admin-api"));
  }
}
