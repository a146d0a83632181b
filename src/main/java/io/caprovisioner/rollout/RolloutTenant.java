package io.caprovisioner.rollout;

import io.caprovisioner.tenant.TenantStatus;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * One tenant of a rollout, as stored.
 *
 * @param tenantStatus     the tenant's status now ({@code tenants.status})
 * @param fromChartVersion what it ran before (empty: the default): a rollback goes back to it
 */
public record RolloutTenant(long rolloutId, long tenantId, String namespace, TenantStatus tenantStatus, int wave,
    RolloutTenantState state,
    Optional<String> fromChartVersion, Optional<String> fromImage, Optional<String> reason,
    Optional<OffsetDateTime> startedAt, Optional<OffsetDateTime> finishedAt) {
}
