package io.caprovisioner.jobs;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of kind {@code tenant.*}: picks the pipeline for the tenant's recorded status,
 * runs its steps in order (re-checking the status before each), and tells operators where it is:
 * {@code tenants.status_detail} always, {@code provisioning_logs} when something happened or the
 * reason for waiting changed (not on every poll).
 */
public final class TenantJobHandler implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TenantJobHandler.class);
  private final Pool pool;
  private final Config config;
  private final TenantPipelines pipelines;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  public TenantJobHandler(Pool pool, Config config, TenantPipelines pipelines) {
    this.pool = pool;
    this.config = config;
    this.pipelines = pipelines;
  }

  @Override
  public Future<Outcome> run(JobContext ctx) {
    Optional<Long> tenantId = ctx.job().tenantId();
    if (tenantId.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException(ctx.job().kind() + " job without a tenant"));
    }
    return tenants.byId(pool, tenantId.get()).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Outcome.stop("tenant no longer exists"));
      }
      TenantPipelines.Choice choice = pipelines.choose(ctx.job().kind(), found.get());
      if (choice.pipeline().isEmpty()) {
        return log.append(pool, tenantId.get(), ctx.job().kind(), "info", choice.reason())
            .map(v -> Outcome.stop(choice.reason()));
      }
      TenantPipeline pipeline = choice.pipeline().get();
      TenantWork work = new TenantWork(ctx, config, found.get());
      return begin(work, pipeline).compose(started -> started
          ? runFrom(ctx, work, pipeline, 0, new String[] {null})
          : Future.succeededFuture(Outcome.stop("tenant is now " + work.tenant().status().wire()
              + ": " + pipeline.name() + " not started")));
    });
  }

  /**
   * Moves the tenant into the pipeline's status, under the row lock and only from the status the
   * pipeline was chosen for: a suspend or delete recorded since then wins, and the job stops.
   */
  private Future<Boolean> begin(TenantWork work, TenantPipeline pipeline) {
    Tenant seen = work.tenant();
    if (pipeline.startAs().isEmpty() || seen.status() == pipeline.startAs().get()) {
      return Future.succeededFuture(true);
    }
    TenantStatus next = pipeline.startAs().get();
    return pool.withTransaction(sql -> tenants.lockById(sql, seen.id()).compose(now -> {
      if (now.isEmpty() || now.get().status() != seen.status() || !seen.status().canMoveTo(next)) {
        return Future.succeededFuture(false);
      }
      return tenants.setStatus(sql, seen.id(), next, pipeline.name() + " started")
          .compose(v -> log.append(sql, seen.id(), "status", "info", seen.status().wire() + " -> " + next.wire()))
          .map(true);
    })).compose(started -> tenants.byId(pool, seen.id()).map(r -> {
      r.ifPresent(work::refresh);
      return started;
    }));
  }

  private Future<Outcome> runFrom(JobContext ctx, TenantWork work, TenantPipeline pipeline, int index,
      String[] lastWait) {
    if (index == pipeline.steps().size()) {
      return Future.succeededFuture(Outcome.done(pipeline.name() + " complete"));
    }
    TenantStep step = pipeline.steps().get(index);
    long id = work.tenant().id();
    return tenants.byId(pool, id).compose(current -> {
      if (current.isEmpty()) {
        return Future.succeededFuture(Outcome.stop("tenant no longer exists"));
      }
      work.refresh(current.get());
      TenantStatus status = current.get().status();
      if (!pipeline.whileIn().contains(status)) {
        String why = pipeline.name() + " stopped before " + step.name() + ": tenant is now " + status.wire();
        return log.append(pool, id, step.name(), "info", why).map(v -> Outcome.stop(why));
      }
      return ctx.step(step.name(), index + 1, started -> detail(id, pipeline.name() + ": " + step.name() + " ("
              + (index + 1) + "/" + pipeline.steps().size() + ")").compose(v -> step.run(work, started)))
          .transform(ar -> report(ctx, work, step, ar.succeeded() ? ar.result() : null, ar.cause()))
          .compose(outcome -> outcome instanceof Outcome.Done
              ? runFrom(ctx, work, pipeline, index + 1, lastWait) : Future.succeededFuture(outcome));
    });
  }

  private Future<Outcome> report(JobContext ctx, TenantWork work, TenantStep step, Outcome outcome,
      Throwable failure) {
    long id = work.tenant().id();
    Job job = ctx.job();
    if (failure != null) {
      String error = Errors.message(failure);
      String retry = job.lastAttempt() ? "no attempts left" : "retrying";
      return detail(id, step.name() + " failed (attempt " + job.attempts() + " of " + job.maxAttempts() + ", "
              + retry + "): " + error)
          .compose(v -> log.append(pool, id, step.name(), "failed", error))
          .transform(v -> Future.failedFuture(failure));
    }
    if (outcome instanceof Outcome.Wait w) {
      Future<Void> logged = w.reason().equals(job.waitReason().orElse(null)) ? Future.succeededFuture()
          : log.append(pool, id, step.name(), "waiting", w.reason());
      return logged.compose(v -> detail(id, "waiting at " + step.name() + ": " + w.reason())).map(outcome);
    }
    if (outcome instanceof Outcome.Done d && d.message() == null) {
      return Future.succeededFuture(outcome); // done in an earlier run of this job
    }
    String message = outcome instanceof Outcome.Done d ? d.message() : ((Outcome.Stop) outcome).message();
    LOG.info("tenant {} {}: {}", work.tenant().names().namespace(), step.name(), message);
    return log.append(pool, id, step.name(), outcome instanceof Outcome.Done ? "succeeded" : "info", message)
        .map(outcome);
  }

  /** Used up its attempts: a tenant being provisioned is {@code failed}, with the last error. */
  @Override
  public Future<Void> dead(Job job, String lastError) {
    if (job.tenantId().isEmpty()) {
      return Future.succeededFuture();
    }
    long id = job.tenantId().get();
    return pool.withTransaction(sql -> sql.preparedQuery("SELECT step FROM jobs WHERE id = $1")
        .execute(Tuple.of(job.id()))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("step"))
        .compose(step -> tenants.lockById(sql, id).compose(t -> {
          if (t.isEmpty()) {
            return Future.succeededFuture();
          }
          String where = step == null ? job.kind() : job.kind() + " failed at " + step;
          String detail = where + " after " + job.attempts() + " attempts: " + lastError;
          Future<Void> status = t.get().status().canMoveTo(TenantStatus.FAILED)
              ? tenants.setStatus(sql, id, TenantStatus.FAILED, detail)
              : setDetail(sql, id, detail);
          return status.compose(v -> log.append(sql, id, step == null ? job.kind() : step, "failed",
              "gave up: " + detail));
        })));
  }

  private Future<Void> detail(long tenantId, String detail) {
    return setDetail(pool, tenantId, detail);
  }

  private static Future<Void> setDetail(io.vertx.sqlclient.SqlClient sql, long tenantId, String detail) {
    return sql.preparedQuery("UPDATE tenants SET status_detail = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(tenantId, detail)).mapEmpty();
  }
}
