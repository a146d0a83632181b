package io.caprovisioner.lifecycle;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.UserRepository;
import io.caprovisioner.jobs.JobQueue;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Records what is requested of a tenant: in one transaction the legal status change, a
 * provisioning log entry and the job that carries it out. Nothing here talks to Git, MySQL or
 * Kubernetes; the job runner does.
 */
public final class TenantLifecycle {
  public static final String PROVISION = "tenant.provision";
  public static final String SUSPEND = "tenant.suspend";
  public static final String RESUME = "tenant.resume";
  public static final String DELETE = "tenant.delete";
  public static final String PLAN_CHANGE = "tenant.plan-change";

  private final Pool pool;
  private final Config config;
  private final TenantRepository tenants = new TenantRepository();
  private final UserRepository users = new UserRepository();
  private final ProvisioningLog log = new ProvisioningLog();
  private final JobQueue jobs = new JobQueue();

  public TenantLifecycle(Pool pool, Config config) {
    this.pool = pool;
    this.config = config;
  }

  public Future<Tenant> provision(ProvisionRequest req) {
    if (config.plans().byName(req.plan()).isEmpty()) {
      return Future.failedFuture(LifecycleException.invalid(
          "unknown plan '" + req.plan() + "' (plans: " + String.join(", ", config.plans().names()) + ")"));
    }
    TenantNames names;
    try {
      names = TenantNames.of(req.slug().orElseGet(TenantNames::generateId), config.tenants().baseDomain());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(LifecycleException.invalid(e.getMessage()));
    }
    return pool.withTransaction(sql -> provision(sql, req, names))
        .recover(e -> Future.failedFuture(uniqueViolation(e, names)));
  }

  /** The same, inside the caller's transaction (e.g. a Stripe event being applied). */
  public Future<Tenant> provision(SqlConnection sql, ProvisionRequest req, TenantNames names) {
    return users.findOrCreate(sql, req.email())
        .compose(userId -> tenants.insert(sql, new TenantRepository.NewTenant(Optional.of(userId), names, req.plan(),
                req.source(), Optional.empty()))
            .compose(tenantId -> subscription(sql, req, userId, tenantId).map(tenantId)))
        .compose(tenantId -> log.append(sql, tenantId, "request", "info",
                "provision requested by " + req.requestedBy() + " (plan " + req.plan() + ")",
                req.stripeEventId().orElse(null))
            .compose(v -> jobs.enqueue(sql, tenantId, PROVISION, payload(req.requestedBy(), req.stripeEventId()),
                PROVISION + ":" + tenantId))
            .compose(v -> tenants.byId(sql, tenantId)))
        .map(Optional::get);
  }

  private Future<Void> subscription(SqlConnection sql, ProvisionRequest req, long userId, long tenantId) {
    if (req.stripeCustomerId().isEmpty() && req.stripeSubscriptionId().isEmpty()) {
      return Future.succeededFuture();
    }
    return sql.preparedQuery("INSERT INTO subscriptions (user_id, tenant_id, stripe_customer_id, "
            + "stripe_subscription_id, stripe_price_id) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(userId, tenantId, req.stripeCustomerId().orElse(null),
            req.stripeSubscriptionId().orElse(null), req.stripePriceId().orElse(null)))
        .mapEmpty();
  }

  public Future<Tenant> suspend(long id, String requestedBy, Optional<String> stripeEventId) {
    return pool.withTransaction(sql -> suspend(sql, id, requestedBy, stripeEventId));
  }

  public Future<Tenant> suspend(SqlConnection sql, long id, String requestedBy, Optional<String> stripeEventId) {
    return change(sql, id, TenantStatus.SUSPENDED, SUSPEND, "suspend requested by " + requestedBy, requestedBy,
        stripeEventId);
  }

  public Future<Tenant> resume(long id, String requestedBy, Optional<String> stripeEventId) {
    return pool.withTransaction(sql -> resume(sql, id, requestedBy, stripeEventId));
  }

  /**
   * Back to active when the site had been deployed; otherwise (never deployed, or within the
   * deletion retention) the provisioning pipeline runs again, its steps being idempotent.
   */
  public Future<Tenant> resume(SqlConnection sql, long id, String requestedBy, Optional<String> stripeEventId) {
    return locked(sql, id).compose(t -> {
      if (t.status() != TenantStatus.SUSPENDED && t.status() != TenantStatus.DELETING) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only a suspended or deleting tenant can be resumed"));
      }
      boolean redeploy = t.deployedAt().isEmpty() || t.status() == TenantStatus.DELETING;
      TenantStatus next = redeploy ? TenantStatus.PROVISIONING : TenantStatus.ACTIVE;
      String kind = redeploy ? PROVISION : RESUME;
      return apply(sql, t, next, kind, "resume requested by " + requestedBy, requestedBy, stripeEventId)
          .compose(v -> redeploy ? tenants.setDeletionDue(sql, id, null) : Future.succeededFuture())
          .compose(v -> reload(sql, id));
    });
  }

  /**
   * Deletion: the manifests go at once; data (database, volumes) is dropped after the retention
   * period, or at once with {@code purge}. An active tenant is suspended first.
   */
  public Future<Tenant> delete(long id, boolean purge, String requestedBy, Optional<String> stripeEventId) {
    return pool.withTransaction(sql -> delete(sql, id, purge, requestedBy, stripeEventId));
  }

  public Future<Tenant> delete(SqlConnection sql, long id, boolean purge, String requestedBy,
      Optional<String> stripeEventId) {
    return locked(sql, id).compose(t -> {
      if (t.status() == TenantStatus.DELETING && purge) {
        return scheduleDeletion(sql, t, true, requestedBy, stripeEventId).compose(v -> reload(sql, id));
      }
      Future<Void> first = Future.succeededFuture();
      if (t.status() != TenantStatus.SUSPENDED && t.status().canMoveTo(TenantStatus.SUSPENDED)) {
        first = apply(sql, t, TenantStatus.SUSPENDED, null, "suspended for deletion", requestedBy, stripeEventId);
      }
      return first.compose(v -> reload(sql, id))
          .compose(s -> apply(sql, s, TenantStatus.DELETING, null,
              "delete requested by " + requestedBy + (purge ? " (purge: no retention)" : ""), requestedBy,
              stripeEventId).map(s))
          .compose(s -> scheduleDeletion(sql, s, purge, requestedBy, stripeEventId))
          .compose(v -> reload(sql, id));
    });
  }

  private Future<Void> scheduleDeletion(SqlConnection sql, Tenant t, boolean purge, String requestedBy,
      Optional<String> stripeEventId) {
    OffsetDateTime due = OffsetDateTime.now(ZoneOffset.UTC).plusDays(purge ? 0 : config.tenants().retentionDays());
    return tenants.setDeletionDue(sql, t.id(), due)
        .compose(v -> jobs.enqueue(sql, t.id(), DELETE,
            payload(requestedBy, stripeEventId).put("purge", purge).put("delete_data_after", due.toString()), null))
        .mapEmpty();
  }

  /** A plan change keeps the status; the job commits the new resources. */
  public Future<Tenant> changePlan(SqlConnection sql, long id, String plan, String requestedBy,
      Optional<String> stripeEventId) {
    if (config.plans().byName(plan).isEmpty()) {
      return Future.failedFuture(LifecycleException.invalid("unknown plan '" + plan + "'"));
    }
    return locked(sql, id).compose(t -> {
      if (t.plan().equals(plan)) {
        return Future.succeededFuture(t);
      }
      if (t.status() == TenantStatus.DELETING || t.status() == TenantStatus.DELETED) {
        return Future.failedFuture(LifecycleException.conflict("a " + t.status().wire()
            + " tenant cannot change plan"));
      }
      return tenants.setPlan(sql, id, plan)
          .compose(v -> log.append(sql, id, "request", "info", "plan change " + t.plan() + " -> " + plan
              + " requested by " + requestedBy, stripeEventId.orElse(null)))
          .compose(v -> jobs.enqueue(sql, id, PLAN_CHANGE, payload(requestedBy, stripeEventId), null))
          .compose(v -> reload(sql, id));
    });
  }

  private Future<Tenant> change(SqlConnection sql, long id, TenantStatus next, String kind, String message,
      String requestedBy, Optional<String> stripeEventId) {
    return locked(sql, id)
        .compose(t -> apply(sql, t, next, kind, message, requestedBy, stripeEventId))
        .compose(v -> reload(sql, id));
  }

  private Future<Void> apply(SqlConnection sql, Tenant t, TenantStatus next, String kind, String message,
      String requestedBy, Optional<String> stripeEventId) {
    if (!t.status().canMoveTo(next)) {
      return Future.failedFuture(LifecycleException.conflict(
          "tenant " + t.names().namespace() + " is " + t.status().wire() + " and cannot become " + next.wire()));
    }
    Future<Void> done = tenants.setStatus(sql, t.id(), next, null)
        .compose(v -> log.append(sql, t.id(), "status", "info", t.status().wire() + " -> " + next.wire() + ": "
            + message, stripeEventId.orElse(null)));
    return kind == null ? done
        : done.compose(v -> jobs.enqueue(sql, t.id(), kind, payload(requestedBy, stripeEventId), null)).mapEmpty();
  }

  private Future<Tenant> locked(SqlConnection sql, long id) {
    return tenants.lockById(sql, id).compose(t -> t.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(LifecycleException.notFound("no tenant with id " + id))));
  }

  private Future<Tenant> reload(SqlConnection sql, long id) {
    return tenants.byId(sql, id).map(Optional::get);
  }

  private static JsonObject payload(String requestedBy, Optional<String> stripeEventId) {
    JsonObject p = new JsonObject().put("requested_by", requestedBy);
    stripeEventId.ifPresent(e -> p.put("stripe_event_id", e));
    return p;
  }

  private static Throwable uniqueViolation(Throwable e, TenantNames names) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      String constraint = pg.getConstraint() == null ? "" : pg.getConstraint();
      if (constraint.startsWith("subscriptions")) {
        return LifecycleException.conflict("that Stripe subscription already has a tenant");
      }
      return LifecycleException.conflict("a tenant named " + names.namespace() + " already exists");
    }
    return e;
  }
}
