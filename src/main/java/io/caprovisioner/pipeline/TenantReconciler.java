package io.caprovisioner.pipeline;

import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.TenantRepository.StoredTenant;
import io.caprovisioner.db.TenantStepStore;
import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Job;
import io.caprovisioner.jobs.JobContext;
import io.caprovisioner.jobs.JobHandler;
import io.caprovisioner.jobs.JobMdc;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.TenantPlan.Phase;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tenant.reconcile}: level-triggered, like a Kubernetes controller. Reads the tenant's
 * desired state, then runs in order only the steps whose target differs from what they last
 * achieved. Before each step it re-reads the tenant: when a newer intent was recorded (the
 * generation moved), it starts over with the steps the new state needs, so a suspend commits at
 * the next step boundary whatever an older step was waiting for.
 *
 * <p>Operators see where it is: {@code tenants.status_detail} always, {@code tenant_steps} per
 * step, {@code provisioning_logs} when something happened or the reason for waiting changed.
 * Every write is fenced by the job's lock token.
 */
public final class TenantReconciler implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TenantReconciler.class);
  private final Pool pool;
  private final PlanCatalog plans;
  private final TenantPlan plan;
  private final TenantRepository tenants = new TenantRepository();
  private final TenantStepStore steps = new TenantStepStore();
  private final ProvisioningLog log = new ProvisioningLog();
  private final StepObserver observer;
  private final GaveUpListener gaveUp;
  private final Optional<DependencyBreakers> breakers;

  public TenantReconciler(Pool pool, PlanCatalog plans, TenantPlan plan) {
    this(pool, plans, plan, StepObserver.NONE);
  }

  public TenantReconciler(Pool pool, PlanCatalog plans, TenantPlan plan, StepObserver observer) {
    this(pool, plans, plan, observer, GaveUpListener.NONE, Optional.empty());
  }

  /**
   * @param gaveUp told, in the same transaction, when a tenant's reconcile uses up its attempts
   * @param breakers the steps' own: a parked tenant whose breaker is still open is not reconciled for nothing
   */
  public TenantReconciler(Pool pool, PlanCatalog plans, TenantPlan plan, StepObserver observer,
      GaveUpListener gaveUp, Optional<DependencyBreakers> breakers) {
    this.pool = pool;
    this.plans = plans;
    this.plan = plan;
    this.observer = observer;
    this.gaveUp = gaveUp;
    this.breakers = breakers;
  }

  @Override
  public Future<Outcome> run(JobContext job) {
    Optional<Long> tenantId = job.job().subject();
    if (tenantId.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException(job.job().kind() + " job without a tenant"));
    }
    Optional<Outcome> stillParked = stillParked(job.job());
    return stillParked.isPresent() ? Future.succeededFuture(stillParked.get()) : reconcile(job, tenantId.get());
  }

  /**
   * The safety net of a parked tenant ran out while this replica still sees its dependency down:
   * its probe wakes the tenant when the dependency answers, and every step would only park it
   * again, so it goes back to sleep at once with the reason it shows (which stays as it was).
   */
  private Optional<Outcome> stillParked(Job job) {
    if (breakers.isEmpty() || job.waitReason().isEmpty()) {
      return Optional.empty();
    }
    return job.parkedOn().flatMap(Dependency::fromWire).map(d -> breakers.get().of(d))
        .filter(b -> b.downReason().isPresent()).map(b -> b.park(job.waitReason().get()));
  }

  private Future<Outcome> reconcile(JobContext job, long id) {
    return load(job.pool(), id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Outcome.stop("tenant no longer exists"));
      }
      ReconcileContext ctx = new ReconcileContext(job, plans, found.get().tenant(), gitAdminEmail(found.get()));
      return start(ctx).compose(started -> {
        if (!started) {
          return reconcile(job, id);
        }
        return step(ctx, plan.forStatus(ctx.tenant().status()), 0);
      });
    });
  }

  /** A new tenant: pending becomes provisioning, unless a newer intent came first. False: read again. */
  private Future<Boolean> start(ReconcileContext ctx) {
    if (ctx.tenant().status() != TenantStatus.PENDING) {
      return Future.succeededFuture(true);
    }
    long id = ctx.tenant().id();
    long generation = ctx.tenant().generation();
    return ctx.job().fenced(sql -> tenants.lockById(sql, id).compose(t -> {
      if (t.isEmpty() || t.get().status() != TenantStatus.PENDING || t.get().generation() != generation) {
        return Future.succeededFuture(false);
      }
      return tenants.setStatus(sql, id, TenantStatus.PROVISIONING, "provision started")
          .compose(v -> log.append(sql, id, "status", LogStatus.INFO, "pending -> provisioning"))
          .map(false);
    }));
  }

  private Future<Outcome> step(ReconcileContext ctx, Phase phase, int index) {
    long id = ctx.tenant().id();
    long generation = ctx.tenant().generation();
    return load(ctx.pool(), id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Outcome.stop("tenant no longer exists"));
      }
      StoredTenant now = found.get();
      if (now.tenant().generation() != generation || plan.forStatus(now.tenant().status()) != phase) {
        try (JobMdc mdc = mdc(ctx, null)) {
          LOG.debug("tenant {}: newer intent (generation {} -> {}), starting over", now.tenant().names().namespace(),
              generation, now.tenant().generation());
        }
        return reconcile(ctx.job(), id);
      }
      ctx.refresh(now.tenant(), gitAdminEmail(now));
      if (index == phase.steps().size()) {
        return finish(ctx, phase);
      }
      TenantStep step = phase.steps().get(index);
      String target;
      try {
        if (step.idle(ctx)) {
          return step(ctx, phase, index + 1);
        }
        target = step.target(ctx);
      } catch (RuntimeException e) {
        return failed(ctx, step, e);
      }
      return steps.all(ctx.pool(), id).compose(records -> {
        var record = Optional.ofNullable(records.get(step.name()));
        if (record.isPresent() && record.get().achieved(target)) {
          return step(ctx, phase, index + 1);
        }
        Optional<String> waitingFor = record.filter(r -> "waiting".equals(r.state())).flatMap(r -> r.lastError());
        String where = phase.name() + ": " + step.name() + " (" + (index + 1) + "/" + phase.steps().size() + ")";
        return ctx.job().fenced(sql -> steps.begin(sql, id, step.name(), index + 1, target)
                .compose(start -> tenants.setDetail(sql, id, where).map(start.onThisClock())))
            .compose(startedAt -> ctx.job().progress(step.name()).map(startedAt))
            .compose(startedAt -> {
              long tryStarted = System.nanoTime();
              return run(ctx, step, startedAt).andThen(ar -> observe(ctx, step, ar.succeeded() ? ar.result() : null,
                  Duration.ofNanos(System.nanoTime() - tryStarted)));
            })
            .transform(ar -> ar.failed() ? failed(ctx, step, ar.cause())
                : report(ctx, step, target, waitingFor, ar.result()))
            .compose(outcome -> outcome instanceof Outcome.Done ? step(ctx, phase, index + 1)
                : Future.succeededFuture(outcome));
      });
    });
  }

  /** {@code outcome} null: the step failed. */
  private void observe(ReconcileContext ctx, TenantStep step, Outcome outcome, Duration took) {
    StepObserver.StepResult result = outcome == null ? StepObserver.StepResult.FAILED
        : outcome instanceof Outcome.Wait ? StepObserver.StepResult.WAITING
        : outcome instanceof Outcome.Stop ? StepObserver.StepResult.STOPPED : StepObserver.StepResult.DONE;
    observer.stepTried(step.name(), result, took);
    if (result == StepObserver.StepResult.DONE && step instanceof SetStatusStep set
        && set.status() == TenantStatus.ACTIVE && ctx.tenant().status() == TenantStatus.PROVISIONING) {
      observer.provisioned(Duration.between(ctx.tenant().createdAt(), OffsetDateTime.now()));
    }
  }

  private static Future<Outcome> run(ReconcileContext ctx, TenantStep step, OffsetDateTime startedAt) {
    try {
      return step.run(ctx, startedAt);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Outcome> report(ReconcileContext ctx, TenantStep step, String target, Optional<String> waitingFor,
      Outcome outcome) {
    long id = ctx.tenant().id();
    if (outcome instanceof Outcome.Wait w) {
      boolean newReason = !w.reason().equals(waitingFor.orElse(null));
      if (newReason) {
        try (JobMdc mdc = mdc(ctx, step)) {
          LOG.info("tenant {} waits at {}: {}", ctx.tenant().names().namespace(), step.name(), w.reason());
        }
      }
      return ctx.job().fenced(sql -> steps.waiting(sql, id, step.name(), w.reason(), w.retryIn())
          .compose(v -> newReason ? log.append(sql, id, step.name(), LogStatus.WAITING, w.reason())
              : Future.succeededFuture())
          .compose(v -> tenants.setDetail(sql, id, "waiting at " + step.name() + ": " + w.reason()))
          .map(outcome));
    }
    if (outcome instanceof Outcome.Stop s) {
      try (JobMdc mdc = mdc(ctx, step)) {
        LOG.info("tenant {} {}: {}", ctx.tenant().names().namespace(), step.name(), s.message());
      }
      return ctx.job().fenced(sql -> log.append(sql, id, step.name(), LogStatus.INFO, s.message()).map(outcome));
    }
    Outcome.Done done = (Outcome.Done) outcome;
    try (JobMdc mdc = mdc(ctx, step)) {
      LOG.info("tenant {} {}: {}", ctx.tenant().names().namespace(), step.name(), done.message());
    }
    return ctx.job().fenced(sql -> steps.achieved(sql, id, step.name(), target, step.undoes())
        .compose(v -> done.message() == null ? Future.succeededFuture()
            : log.append(sql, id, step.name(), LogStatus.SUCCEEDED, done.message()))
        .map(outcome));
  }

  private Future<Outcome> failed(ReconcileContext ctx, TenantStep step, Throwable failure) {
    long id = ctx.tenant().id();
    Job job = ctx.job().job();
    String error = Errors.message(failure);
    String retry = job.lastAttempt() ? "no attempts left" : "retrying";
    try (JobMdc mdc = mdc(ctx, step)) {
      LOG.warn("tenant {} {} failed (attempt {} of {}, {}): {}", ctx.tenant().names().namespace(), step.name(),
          job.attempts(), job.maxAttempts(), retry, error);
    }
    Future<Void> recorded = ctx.job().fenced(sql -> steps.failed(sql, id, step.name(), error)
        .compose(v -> log.append(sql, id, step.name(), LogStatus.FAILED, step.name() + " failed", error, null))
        .compose(v -> tenants.setDetail(sql, id, step.name() + " failed (attempt " + job.attempts() + " of "
            + job.maxAttempts() + ", " + retry + "): " + error)));
    // one failure type leaves a step, whatever the client threw: the reason operators read
    StepFailure stepFailure = failure instanceof StepFailure f ? f : new StepFailure(error, failure);
    return recorded.transform(v -> Future.failedFuture(stepFailure));
  }

  /** Every step the desired state needs achieved its target: nothing pending. */
  private Future<Outcome> finish(ReconcileContext ctx, Phase phase) {
    long id = ctx.tenant().id();
    return ctx.job().fenced(sql -> tenants.setDetail(sql, id, null))
        .map(v -> Outcome.done(phase.name() + " complete (generation " + ctx.tenant().generation() + ")"));
  }

  /** Used up its attempts: a tenant being provisioned is {@code failed}, with the step and its last error. */
  @Override
  public Future<Void> dead(Job job, String lastError) {
    if (job.subject().isEmpty()) {
      return Future.succeededFuture();
    }
    long id = job.subject().get();
    return pool.withTransaction(sql -> steps.lastFailed(sql, id).compose(step -> tenants.lockById(sql, id)
        .compose(t -> {
          if (t.isEmpty()) {
            return Future.succeededFuture();
          }
          String detail = plan.forStatus(t.get().status()).name() + step.map(s -> " failed at " + s).orElse(" failed")
              + " after " + job.attempts() + " attempts: " + lastError;
          Future<Void> status = t.get().status().canMoveTo(TenantStatus.FAILED)
              ? tenants.setStatus(sql, id, TenantStatus.FAILED, detail)
              : tenants.setDetail(sql, id, detail);
          return status.compose(v -> log.append(sql, id, step.orElse(job.kind()), LogStatus.FAILED, "gave up: " + detail,
              lastError, null)).compose(v -> gaveUp.gaveUp(sql, id, detail));
        })));
  }

  /** The job's MDC keys, its tenant (the namespace) and the step, when there is one. */
  private static JobMdc mdc(ReconcileContext ctx, TenantStep step) {
    return JobMdc.of(ctx.job().job()).with(JobMdc.TENANT, ctx.tenant().names().namespace())
        .with(JobMdc.STEP, step == null ? null : step.name());
  }

  /** The queue's lines about a reconcile name its tenant by id: the job row has nothing else. */
  @Override
  public java.util.Map<String, String> logKeys(Job job) {
    return job.subject().map(id -> java.util.Map.of(JobMdc.TENANT, "id " + id)).orElse(java.util.Map.of());
  }

  private Future<Optional<StoredTenant>> load(Pool pool, long id) {
    return tenants.stored(pool, id);
  }

  private static Optional<String> gitAdminEmail(StoredTenant stored) {
    return stored.adminEmailInGit() ? stored.userEmail() : Optional.empty();
  }
}
