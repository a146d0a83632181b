package io.caprovisioner.rollout;

import io.caprovisioner.jobs.JobContext;
import io.caprovisioner.jobs.JobHandler;
import io.caprovisioner.jobs.JobQueue;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.tenant.Refusal;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code rollout.advance}: level-triggered like the tenant reconciler. Each run reads the rollout
 * and its members under the rollout's row lock and decides from what is stored alone: halt past
 * the failure budget, wait while the current wave has unsettled tenants, pause, then start the
 * next wave by recording an upgrade intent for each of its tenants. A restart, a lost lease or a
 * second replica runs the same decision again and finds it made: nothing is repeated.
 */
public final class RolloutDriver implements JobHandler {
  private final TenantLifecycle lifecycle;
  private final Duration poll;
  private final RolloutStore store = new RolloutStore();

  /** @param poll how often a running wave is looked at */
  public RolloutDriver(TenantLifecycle lifecycle, Duration poll) {
    this.lifecycle = lifecycle;
    this.poll = poll;
  }

  /** Asks for the driver of {@code rolloutId} to run (one queued or running per rollout). */
  static Future<Void> request(SqlClient sql, long rolloutId) {
    return new JobQueue().enqueue(sql, null, JobKind.ROLLOUT_ADVANCE.wire(), new JsonObject().put("rollout_id",
        rolloutId), JobKind.ROLLOUT_ADVANCE.wire() + ":" + rolloutId).mapEmpty();
  }

  @Override
  public Future<Outcome> run(JobContext job) {
    Long id = job.job().payload().getLong("rollout_id");
    if (id == null) {
      return Future.failedFuture(new IllegalArgumentException("rollout.advance job without rollout_id"));
    }
    return job.fenced(sql -> store.lock(sql, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Outcome.stop("rollout " + id + " no longer exists"));
      }
      Rollout r = found.get();
      if (r.state() != RolloutState.RUNNING) {
        return Future.succeededFuture(Outcome.stop("rollout " + id + " is " + r.state().wire()));
      }
      return store.tenants(sql, id).compose(members -> decide(sql, r, members));
    }));
  }

  private Future<Outcome> decide(SqlConnection sql, Rollout r, List<RolloutTenant> members) {
    List<RolloutTenant> failed = members.stream().filter(m -> m.state() == RolloutTenantState.FAILED).toList();
    if (failed.size() - r.budgetBase() > r.failureBudget()) {
      String reason = "failure budget " + r.failureBudget() + " exceeded: " + failed.stream()
          .map(m -> m.namespace() + ": " + m.reason().orElse("failed")).collect(Collectors.joining("; "));
      return store.setState(sql, r.id(), RolloutState.HALTED, reason).map(v -> Outcome.stop("halted: " + reason));
    }
    List<RolloutTenant> leftRunning = members.stream().filter(m -> m.state() == RolloutTenantState.UPGRADING
        && m.tenantStatus() != TenantStatus.ACTIVE).toList();
    if (!leftRunning.isEmpty()) {
      // suspended or deleted during its upgrade: its reconcile no longer runs the upgrade's steps
      return skipEach(sql, r, leftRunning, 0).compose(v -> waitFor("tenants left running during their upgrade "
          + "were skipped", Duration.ZERO));
    }
    List<RolloutTenant> started = members.stream().filter(m -> m.wave() <= r.currentWave()).toList();
    long unsettled = started.stream().filter(m -> !m.state().settled()).count();
    if (unsettled > 0) {
      return waitFor("wave " + r.currentWave() + " of " + r.waveCount() + ": " + (started.size() - unsettled)
          + " of " + started.size() + " tenants settled", poll);
    }
    if (r.currentWave() >= r.waveCount()) {
      return store.setState(sql, r.id(), RolloutState.COMPLETED, null)
          .map(v -> Outcome.stop("rollout " + r.id() + " completed: " + summary(members)));
    }
    if (r.currentWave() > 0 && r.pauseSeconds() > 0) {
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      if (r.nextWaveAt().isEmpty()) {
        OffsetDateTime at = now.plusSeconds(r.pauseSeconds());
        return store.pauseUntil(sql, r.id(), at)
            .compose(v -> waitFor("wave " + r.currentWave() + " settled; pausing until " + at, pause(r.pauseSeconds())));
      }
      if (r.nextWaveAt().get().isAfter(now)) {
        return waitFor("pausing until " + r.nextWaveAt().get(), Duration.between(now, r.nextWaveAt().get()));
      }
    }
    int next = r.currentWave() + 1;
    List<RolloutTenant> wave = members.stream().filter(m -> m.wave() == next
        && m.state() == RolloutTenantState.PENDING).toList();
    return startEach(sql, r, wave, 0).compose(v -> store.startWave(sql, r.id(), next))
        .compose(v -> waitFor("wave " + next + " of " + r.waveCount() + " started (" + wave.size() + " tenants)", poll));
  }

  /** One tenant after the other, in the rollout's transaction: its upgrade intent, or why it is left out. */
  private Future<Void> startEach(SqlConnection sql, Rollout r, List<RolloutTenant> wave, int index) {
    if (index == wave.size()) {
      return Future.succeededFuture();
    }
    RolloutTenant m = wave.get(index);
    String by = "rollout " + r.id();
    // the backup first, the upgrade last: the newest intent is the one the commit's trailers name
    return lifecycle.requestBackup(sql, m.tenantId(), BackupKind.PRE_UPGRADE, PreUpgradeBackupGate.requestKey(r.id()),
            by)
        .compose(backup -> lifecycle.upgrade(sql, m.tenantId(), r.chartVersion(), r.image(), r.id(), by))
        .compose(t -> store.setTenant(sql, r.id(), m.tenantId(), RolloutTenantState.UPGRADING, null))
        // refused before any write (no longer active, gone): the transaction is intact
        .recover(e -> e instanceof Refusal refusal
            ? store.setTenant(sql, r.id(), m.tenantId(), RolloutTenantState.SKIPPED, refusal.getMessage())
            : Future.failedFuture(e))
        .compose(v -> startEach(sql, r, wave, index + 1));
  }

  private Future<Void> skipEach(SqlConnection sql, Rollout r, List<RolloutTenant> left, int index) {
    if (index == left.size()) {
      return Future.succeededFuture();
    }
    RolloutTenant m = left.get(index);
    return store.setTenant(sql, r.id(), m.tenantId(), RolloutTenantState.SKIPPED, "the tenant became "
        + m.tenantStatus().wire() + " during its upgrade").compose(v -> skipEach(sql, r, left, index + 1));
  }

  private static String summary(List<RolloutTenant> members) {
    return members.stream().collect(Collectors.groupingBy(m -> m.state().wire(), java.util.TreeMap::new,
        Collectors.counting())).toString();
  }

  private static Duration pause(int seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static Future<Outcome> waitFor(String reason, Duration retryIn) {
    return Future.succeededFuture(new Outcome.Wait(reason, retryIn.isNegative() ? Duration.ZERO : retryIn, false));
  }
}
