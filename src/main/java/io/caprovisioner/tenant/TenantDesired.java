package io.caprovisioner.tenant;

import java.util.Optional;

/**
 * The desired state of one tenant: what tenant.yaml holds and what every rendered manifest is
 * derived from. No secrets. {@code adminEmail} is only ever set for manual tenants whose pull
 * request chose a staff contact; the service itself never writes an email into git.
 *
 * @param names         all derived names ({@link TenantNames#domain()} is the site's host)
 * @param chartVersion  empty: the configured default chart version
 * @param image         empty: the configured CollectiveAccess image (CA_DOCKER_IMAGE)
 */
public record TenantDesired(TenantNames names, Plan plan, TenantState state, TenantSource source,
    Optional<String> chartVersion, Optional<String> stripeCustomerId, Optional<String> adminEmail,
    Optional<String> image) {

  /** A tenant on the configured image. */
  public TenantDesired(TenantNames names, Plan plan, TenantState state, TenantSource source,
      Optional<String> chartVersion, Optional<String> stripeCustomerId, Optional<String> adminEmail) {
    this(names, plan, state, source, chartVersion, stripeCustomerId, adminEmail, Optional.empty());
  }

  /**
   * The one rule from a stored tenant to what the gitops repo should hold. Status decides the
   * state: suspended and deleting are {@code suspended}, everything else {@code active}. Only a
   * manual tenant whose tenant.yaml names its contact keeps {@code gitAdminEmail}.
   *
   * @throws IllegalStateException when the tenant's plan is no longer in the catalogue
   */
  public static TenantDesired of(Tenant t, PlanCatalog plans, Optional<String> gitAdminEmail) {
    Plan plan = plans.byName(t.plan()).orElseThrow(() -> new IllegalStateException("tenant "
        + t.names().namespace() + " is on plan '" + t.plan() + "', which is not in the plan catalogue (PLANS_FILE)"));
    TenantState state = t.status() == TenantStatus.SUSPENDED || t.status() == TenantStatus.DELETING
        ? TenantState.SUSPENDED : TenantState.ACTIVE;
    Optional<String> adminEmail = t.source() == TenantSource.MANUAL ? gitAdminEmail : Optional.empty();
    return new TenantDesired(t.names(), plan, state, t.source(), t.chartVersion(), t.stripeCustomerId(), adminEmail,
        t.image());
  }

  /** The image the tenant runs: its own pin, else {@code configured} (CA_DOCKER_IMAGE). */
  public String imageOr(String configured) {
    return image.orElse(configured);
  }

  public TenantDesired withState(TenantState s) {
    return new TenantDesired(names, plan, s, source, chartVersion, stripeCustomerId, adminEmail, image);
  }
}
