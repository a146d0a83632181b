package io.caprovisioner.gitimport;

import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.TenantRepository.StoredTenant;
import io.caprovisioner.db.UserRepository;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Brings one tenant in PostgreSQL to what its tenant.yaml in Git says, through the same
 * {@link TenantLifecycle} the API and Stripe use (status change + log + job in the caller's
 * transaction). Compares first and acts only on the difference, so a second run changes nothing.
 * Stripe-owned tenants are never changed from Git: the difference is written to their log.
 */
final class ImportedTenantApplier {
  static final String LOG_STEP = "git.import";

  private final TenantLifecycle lifecycle;
  private final PlanCatalog plans;
  private final TenantRepository tenants = new TenantRepository();
  private final UserRepository users = new UserRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  ImportedTenantApplier(TenantLifecycle lifecycle, PlanCatalog plans) {
    this.lifecycle = lifecycle;
    this.plans = plans;
  }

  /** A tenant.yaml without a tenant: a new manual tenant, provisioned like any other minus Stripe. */
  Future<List<String>> create(SqlConnection sql, TenantDesired git, String requestedBy) {
    if (git.source() != TenantSource.MANUAL) {
      return Future.succeededFuture(List.of("not imported: a source: stripe tenant the service does not know "
          + "(only Stripe creates Stripe tenants)"));
    }
    if (git.adminEmail().isEmpty()) {
      return Future.succeededFuture(List.of("not imported: a new manual tenant needs spec.adminEmail "
          + "(ca-provisioner tenant new --admin-email ...)"));
    }
    ProvisionRequest request = new ProvisionRequest(git.adminEmail().get(), git.plan().name(),
        Optional.of(git.names().id()), TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), requestedBy);
    return lifecycle.provision(sql, request, git.names())
        .compose(t -> tenants.setAdminEmailInGit(sql, t.id(), true).map(t))
        .compose(t -> git.chartVersion().isEmpty() ? Future.succeededFuture(t)
            : tenants.setChartVersion(sql, t.id(), git.chartVersion().get()).map(t))
        .compose(t -> git.image().isEmpty() ? Future.succeededFuture(t)
            : tenants.setImage(sql, t.id(), git.image().get()).map(t))
        .compose(t -> git.state() == TenantState.SUSPENDED
            ? lifecycle.suspend(sql, t.id(), requestedBy, Optional.empty()) : Future.succeededFuture(t))
        .map(t -> List.of("imported: new manual tenant on plan " + git.plan().name()
            + (git.state() == TenantState.SUSPENDED ? ", suspended" : "")));
  }

  /** A tenant.yaml that people changed, for a tenant that exists. */
  Future<List<String>> update(SqlConnection sql, StoredTenant stored, TenantDesired git, String requestedBy,
      String commit) {
    Tenant t = stored.tenant();
    TenantDesired db = TenantRepository.desiredOf(stored, plans);
    if (db.equals(git)) {
      return Future.succeededFuture(List.of());
    }
    if (t.source() == TenantSource.STRIPE || git.source() == TenantSource.STRIPE) {
      return report(sql, t, "tenant.yaml was changed in Git (commit " + shortSha(commit) + ") but this tenant is "
          + (t.source() == TenantSource.STRIPE ? "owned by Stripe" : "a manual tenant; spec.source cannot change")
          + ": not applied (" + differences(db, git) + ")");
    }
    if (t.status() == TenantStatus.DELETING || t.status() == TenantStatus.DELETED) {
      return report(sql, t, "tenant.yaml was changed in Git (commit " + shortSha(commit) + ") but the tenant is "
          + t.status().wire() + ": not applied; resume it through the admin API within the retention period");
    }
    List<String> done = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    if (!db.plan().name().equals(git.plan().name())) {
      chain = chain.compose(v -> lifecycle.changePlan(sql, t.id(), git.plan().name(), requestedBy, Optional.empty()))
          .map(x -> done.add("plan " + db.plan().name() + " -> " + git.plan().name())).mapEmpty();
    }
    if (!db.chartVersion().equals(git.chartVersion())) {
      String message = "chart version " + db.chartVersion().orElse("default") + " -> "
          + git.chartVersion().orElse("default") + " from Git (commit " + shortSha(commit) + ")";
      chain = chain.compose(v -> lifecycle.changeChartVersion(sql, t.id(), git.chartVersion(), requestedBy))
          .compose(v -> log.append(sql, t.id(), LOG_STEP, LogStatus.INFO, message)).map(x -> done.add(message)).mapEmpty();
    }
    if (!db.image().equals(git.image())) {
      String message = "image " + db.image().orElse("default") + " -> " + git.image().orElse("default")
          + " from Git (commit " + shortSha(commit) + ")";
      chain = chain.compose(v -> lifecycle.changeImage(sql, t.id(), git.image(), requestedBy))
          .compose(v -> log.append(sql, t.id(), LOG_STEP, LogStatus.INFO, message)).map(x -> done.add(message)).mapEmpty();
    }
    if (!db.adminEmail().map(String::toLowerCase).equals(git.adminEmail().map(String::toLowerCase))) {
      chain = chain.compose(v -> adminContact(sql, t, git.adminEmail(), commit)).map(done::add).mapEmpty();
    }
    if (db.state() != git.state()) {
      chain = chain.compose(v -> state(sql, t, git.state(), requestedBy)).map(m -> {
        m.ifPresent(done::add);
        return null;
      });
    }
    return chain.map(v -> done);
  }

  private Future<Optional<String>> state(SqlConnection sql, Tenant t, TenantState wanted, String requestedBy) {
    if (wanted == TenantState.SUSPENDED) {
      return lifecycle.suspend(sql, t.id(), requestedBy, Optional.empty()).map(x -> Optional.of("suspended"));
    }
    if (t.status() == TenantStatus.SUSPENDED) {
      return lifecycle.resume(sql, t.id(), requestedBy, Optional.empty()).map(x -> Optional.of("resumed"));
    }
    return Future.succeededFuture(Optional.empty());
  }

  /** The contact named in Git becomes the tenant's user; without one, the service stops writing it. */
  private Future<String> adminContact(SqlConnection sql, Tenant t, Optional<String> email, String commit) {
    if (email.isEmpty()) {
      String message = "spec.adminEmail removed in Git (commit " + shortSha(commit) + "): the contact stays in "
          + "PostgreSQL only";
      return tenants.setAdminEmailInGit(sql, t.id(), false)
          .compose(v -> log.append(sql, t.id(), LOG_STEP, LogStatus.INFO, message)).map(message);
    }
    String message = "admin contact set from Git (commit " + shortSha(commit) + ")";
    return users.findOrCreate(sql, email.get())
        .compose(userId -> tenants.setUser(sql, t.id(), userId))
        .compose(v -> tenants.setAdminEmailInGit(sql, t.id(), true))
        .compose(v -> log.append(sql, t.id(), LOG_STEP, LogStatus.INFO, message)).map(message);
  }

  private Future<List<String>> report(SqlConnection sql, Tenant t, String message) {
    return log.append(sql, t.id(), LOG_STEP, LogStatus.INFO, message).map(v -> List.of(message));
  }

  private static String differences(TenantDesired db, TenantDesired git) {
    List<String> d = new ArrayList<>();
    if (!db.plan().name().equals(git.plan().name())) {
      d.add("plan " + db.plan().name() + " -> " + git.plan().name());
    }
    if (db.state() != git.state()) {
      d.add("state " + db.state().wire() + " -> " + git.state().wire());
    }
    if (db.source() != git.source()) {
      d.add("source " + db.source().wire() + " -> " + git.source().wire());
    }
    if (!db.chartVersion().equals(git.chartVersion())) {
      d.add("chartVersion");
    }
    if (!db.image().equals(git.image())) {
      d.add("image");
    }
    if (!db.stripeCustomerId().equals(git.stripeCustomerId())) {
      d.add("stripeCustomer");
    }
    if (!db.adminEmail().equals(git.adminEmail())) {
      d.add("adminEmail");
    }
    return String.join(", ", d);
  }

  static String shortSha(String commit) {
    return commit.length() > 12 ? commit.substring(0, 12) : commit;
  }
}
