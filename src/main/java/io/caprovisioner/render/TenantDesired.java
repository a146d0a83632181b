package io.caprovisioner.render;

import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.util.Optional;

/**
 * The desired state of one tenant: what tenant.yaml holds and what every rendered manifest is
 * derived from. No secrets. {@code adminEmail} is only ever set for manual tenants whose pull
 * request chose a staff contact; the service itself never writes an email into git.
 *
 * @param names         all derived names ({@link TenantNames#domain()} is the site's host)
 * @param chartVersion  empty: the configured default chart version
 */
public record TenantDesired(TenantNames names, Plan plan, TenantState state, TenantSource source,
    Optional<String> chartVersion, Optional<String> stripeCustomerId, Optional<String> adminEmail) {
}
