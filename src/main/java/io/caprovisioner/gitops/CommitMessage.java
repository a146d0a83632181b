package io.caprovisioner.gitops;

import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantNames;
import java.util.Optional;

/**
 * The message of a tenant commit: a subject a person reads in {@code git log}, then the trailers
 * a program reads ({@code git log --format=%(trailers)}, {@link TenantHistory}).
 */
final class CommitMessage {
  static final String TENANT = "Tenant";
  static final String ACTION = "Action";
  static final String ROLLOUT = "Rollout";
  static final String STRIPE_EVENT = "Stripe-Event";
  static final String REQUESTED_BY = "Requested-By";

  private CommitMessage() {
  }

  static String forWrite(TenantDesired desired, GitChange change) {
    String ns = desired.names().namespace();
    String plan = desired.plan().name();
    String subject = switch (change.action()) {
      case PROVISION -> "Provision " + ns + " on plan " + plan;
      case SUSPEND -> "Suspend " + ns;
      case RESUME -> "Resume " + ns;
      case PLAN_CHANGE -> "Move " + ns + " to plan " + plan;
      case DELETE -> "Delete " + ns;
      case IMPORT -> "Import " + ns + " (" + desired.source().wire() + ", plan " + plan + ")";
      case UPGRADE -> "Upgrade " + ns + " to " + runs(desired);
      case ROLLBACK -> "Roll " + ns + " back to " + runs(desired);
      case RESTORE -> desired.state() == io.caprovisioner.tenant.TenantState.SUSPENDED
          ? "Scale " + ns + " to zero for a restore of its data" : "Bring " + ns + " back after a restore";
    };
    String body = "Plan " + plan + ", state " + desired.state().wire() + ", source " + desired.source().wire()
        + ", site https://" + desired.names().domain() + ".";
    return compose(subject, body, ns, change);
  }

  private static String runs(TenantDesired desired) {
    return "chart " + desired.chartVersion().orElse("default") + ", image " + desired.image().orElse("default");
  }

  static String forRemove(TenantNames names, GitChange change) {
    String body = "Argo CD prunes the tenant's workloads; its media volume and database are kept until"
        + " the retention period ends.";
    return compose("Delete " + names.namespace(), body, names.namespace(), change);
  }

  static String forSkeleton() {
    return "Initialise the gitops repository\n\nFrom ca-provisioner's gitops-template/skeleton.\n\n"
        + REQUESTED_BY + ": ca-provisioner\n";
  }

  private static String compose(String subject, String body, String namespace, GitChange change) {
    StringBuilder m = new StringBuilder(subject).append("\n\n").append(body).append("\n\n");
    trailer(m, TENANT, namespace);
    trailer(m, ACTION, change.action().trailer());
    change.rolloutId().ifPresent(r -> trailer(m, ROLLOUT, Long.toString(r)));
    change.stripeEventId().ifPresent(e -> trailer(m, STRIPE_EVENT, e));
    trailer(m, REQUESTED_BY, change.requestedBy());
    return m.toString();
  }

  private static void trailer(StringBuilder m, String key, String value) {
    m.append(key).append(": ").append(oneLine(value)).append('\n');
  }

  /** A trailer is one line: a newline in a value would forge another trailer. */
  static String oneLine(String value) {
    String cleaned = Optional.ofNullable(value).orElse("").replaceAll("\\p{Cntrl}+", " ").strip();
    return cleaned.isEmpty() ? "unknown" : cleaned;
  }
}
