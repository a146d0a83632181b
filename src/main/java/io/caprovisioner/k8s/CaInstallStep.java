package io.caprovisioner.k8s;

import io.caprovisioner.k8s.model.InstallJob;
import io.caprovisioner.k8s.model.JobVerdict;
import io.caprovisioner.k8s.model.Redactor;

import io.caprovisioner.config.Config;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.TenantCredentials;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.StepFailure;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code ca.install}: runs {@link InstallJob} in the tenant namespace and waits for it. A Job
 * that already succeeded for this image is the step done; a failed one leaves the tail of its log
 * (secrets redacted) in the step's error, and is deleted so the retry starts a fresh one.
 */
public final class CaInstallStep implements TenantStep {
  public static final String NAME = "ca.install";
  private static final int LOG_LINES = 40;
  private final Kube kube;
  private final Config.Tenants tenants;
  private final TenantCredentials credentials;
  private final String caRoot;
  private final Duration poll;
  private final Duration timeout;

  public CaInstallStep(Kube kube, Config.Tenants tenants, TenantCredentials credentials, String caRoot,
      Duration poll, Duration timeout) {
    this.kube = kube;
    this.tenants = tenants;
    this.credentials = credentials;
    this.caRoot = caRoot;
    this.poll = poll;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Once for a site on the configured image; a tenant's own image (a rollout's) names its Job, so a
   * new image runs {@code caUtils update-database-schema} again and the same image does not.
   */
  @Override
  public String target(ReconcileContext work) {
    return work.desired().image().map(InstallJob::name).orElse("done");
  }

  @Override
  public Future<Outcome> run(ReconcileContext work, OffsetDateTime startedAt) {
    TenantNames names = work.tenant().names();
    Job desired = InstallJob.of(names, work.desired().imageOr(tenants.image()), work.plan().caProfile(), caRoot);
    boolean late = OffsetDateTime.now().isAfter(startedAt.plus(timeout));
    long id = work.tenant().id();
    return credentials.databasePassword(work.pool(), id)
        .compose(db -> credentials.adminPassword(work.pool(), id).map(admin -> List.of(db, admin)))
        .compose(secrets -> kube.step(() -> converge(names, desired, late, secrets)));
  }

  private Outcome converge(TenantNames names, Job desired, boolean late, List<String> secrets) {
    String ns = names.namespace();
    String name = desired.getMetadata().getName();
    var jobs = kube.client().batch().v1().jobs().inNamespace(ns);
    var named = jobs.withName(name);
    // the name carries the spec's hash and a Job's spec is immutable: one that exists is ours as it is
    if (KubeApply.apply(named::get, () -> jobs.resource(desired).create(), live -> true, live -> { })
        == KubeApply.Result.CREATED) {
      return Outcome.waitFor("installer Job " + name + " created", poll);
    }
    Job current = named.get();
    if (current == null) {
      return Outcome.waitFor("installer Job " + name + " is being replaced", poll);
    }
    JobVerdict verdict = JobVerdict.of(current);
    if (verdict == JobVerdict.SUCCEEDED) {
      return Outcome.done("installer Job " + name + " succeeded");
    }
    boolean failed = verdict == JobVerdict.FAILED;
    if (failed || late) {
      String tail = Redactor.redact(kube.logTail(ns, name, LOG_LINES), secrets);
      jobs.withName(name).withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
          .delete();
      throw new StepFailure("installer Job " + name + (failed ? " failed" : " timed out after "
          + timeout.toMinutes() + " min") + (tail.isBlank() ? "" : "; last log lines:\n" + tail));
    }
    return Outcome.waitFor("installer Job " + name + " running", poll);
  }
}
