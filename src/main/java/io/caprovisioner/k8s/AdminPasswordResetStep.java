package io.caprovisioner.k8s;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.CredentialTokens;
import io.caprovisioner.db.MessageKind;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.k8s.model.PasswordResetJob;
import io.caprovisioner.k8s.model.Redactor;
import io.caprovisioner.k8s.model.TenantSecrets;
import io.caprovisioner.lifecycle.MessageOutbox;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.TenantCredentials;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ca.admin-password}: works towards the newest administrator password rotation
 * ({@code POST /admin/tenants/{id}/credentials}). Rotation 0 is the installer's password: nothing
 * to do. For a later one: the new password (generated and kept sealed first), Secret ca-admin
 * updated, a {@link PasswordResetJob} run to completion; then, in one fenced transaction, the
 * customer's fresh one-time link enters the outbox. A failed Job is deleted and retried.
 */
public final class AdminPasswordResetStep implements TenantStep {
  public static final String NAME = "ca.admin-password";
  private final Kube kube;
  private final Config.Tenants tenants;
  private final TenantCredentials credentials;
  private final String caRoot;
  private final Duration poll;
  private final MessageOutbox outbox = new MessageOutbox();
  private final CredentialTokens tokens = new CredentialTokens();

  public AdminPasswordResetStep(Kube kube, Config.Tenants tenants, TenantCredentials credentials, String caRoot,
      Duration poll) {
    this.kube = kube;
    this.tenants = tenants;
    this.credentials = credentials;
    this.caRoot = caRoot;
    this.poll = poll;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String target(ReconcileContext ctx) {
    return "rotation " + ctx.tenant().adminPasswordRotation();
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    int rotation = ctx.tenant().adminPasswordRotation();
    if (rotation == 0) {
      return Future.succeededFuture(Outcome.done("the installer set the administrator password"));
    }
    long id = ctx.tenant().id();
    TenantNames names = ctx.tenant().names();
    String image = ctx.desired().imageOr(tenants.image());
    return credentials.adminPasswordFor(ctx.pool(), id, rotation)
        .compose(password -> credentials.email(ctx.pool(), id).compose(email -> kube.step(() -> converge(names,
            image, rotation, password, email.orElse("administrator@" + names.domain())))))
        .compose(outcome -> !(outcome instanceof Outcome.Done) ? Future.succeededFuture(outcome)
            // older links would show an older password: only the one in this message works
            : ctx.job().fenced(sql -> tokens.revokeAll(sql, id)
                .compose(v -> outbox.add(sql, id, MessageKind.CREDENTIALS, "rotation " + rotation, new JsonObject())))
                .map(outcome));
  }

  private Outcome converge(TenantNames names, String image, int rotation, String password, String email) {
    List<String> changes = new ArrayList<>();
    K8sPrepareStep.ensureSecret(kube.client(), TenantSecrets.admin(names, password, email), changes);
    Job desired = PasswordResetJob.of(names, image, caRoot, rotation);
    var jobs = kube.client().batch().v1().jobs().inNamespace(names.namespace());
    Job current = jobs.withName(desired.getMetadata().getName()).get();
    if (current == null) {
      jobs.resource(desired).create();
      return Outcome.waitFor(String.join("; ", changes) + (changes.isEmpty() ? "" : "; ") + "password reset Job "
          + desired.getMetadata().getName() + " created", poll);
    }
    JobStatus status = current.getStatus();
    if (status != null && status.getSucceeded() != null && status.getSucceeded() > 0) {
      return Outcome.done("password reset Job " + desired.getMetadata().getName() + " succeeded");
    }
    if (status != null && status.getFailed() != null && status.getFailed() > 0) {
      jobs.withName(desired.getMetadata().getName()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      throw new IllegalStateException(Redactor.redact("password reset Job " + desired.getMetadata().getName()
          + " failed", List.of(password)));
    }
    return Outcome.waitFor("password reset Job " + desired.getMetadata().getName() + " running", poll);
  }
}
