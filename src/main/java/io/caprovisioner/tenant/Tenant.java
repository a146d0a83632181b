package io.caprovisioner.tenant;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A stored tenant, as read from PostgreSQL (names are stored, never recomputed).
 *
 * @param generation bumped by every recorded intent; a reconcile that sees it move starts over
 * @param intent     the newest intent, empty for rows from before the reconciler
 * @param adminPasswordRotation the newest requested administrator password (0: the installer's)
 * @param backupRequested the id of the newest backup requested of it (0: none), the backup step's target
 * @param restoreRequested the id of the backup whose restore was requested last (0: none)
 * @param image     the tenant's own CollectiveAccess image; empty: the configured one
 * @param rolloutId the fleet rollout whose upgrade or rollback its newest commit carries
 */
public record Tenant(long id, Optional<Long> userId, TenantNames names, String plan, TenantStatus status,
    Optional<String> statusDetail, TenantSource source, Optional<String> chartVersion,
    Optional<String> stripeCustomerId, Optional<String> stripeSubscriptionId, OffsetDateTime createdAt,
    OffsetDateTime updatedAt, Optional<OffsetDateTime> deployedAt, Optional<OffsetDateTime> deletionDueAt,
    long generation, Optional<Intent> intent, int adminPasswordRotation, long backupRequested,
    long restoreRequested, Optional<String> image, Optional<Long> rolloutId) {

  /** A tenant of which no backup or restore was ever requested, on the configured image, in no rollout. */
  public Tenant(long id, Optional<Long> userId, TenantNames names, String plan, TenantStatus status,
      Optional<String> statusDetail, TenantSource source, Optional<String> chartVersion,
      Optional<String> stripeCustomerId, Optional<String> stripeSubscriptionId, OffsetDateTime createdAt,
      OffsetDateTime updatedAt, Optional<OffsetDateTime> deployedAt, Optional<OffsetDateTime> deletionDueAt,
      long generation, Optional<Intent> intent, int adminPasswordRotation) {
    this(id, userId, names, plan, status, statusDetail, source, chartVersion, stripeCustomerId, stripeSubscriptionId,
        createdAt, updatedAt, deployedAt, deletionDueAt, generation, intent, adminPasswordRotation, 0, 0,
        Optional.empty(), Optional.empty());
  }

  /** A tenant whose administrator password was never rotated. */
  public Tenant(long id, Optional<Long> userId, TenantNames names, String plan, TenantStatus status,
      Optional<String> statusDetail, TenantSource source, Optional<String> chartVersion,
      Optional<String> stripeCustomerId, Optional<String> stripeSubscriptionId, OffsetDateTime createdAt,
      OffsetDateTime updatedAt, Optional<OffsetDateTime> deployedAt, Optional<OffsetDateTime> deletionDueAt,
      long generation, Optional<Intent> intent) {
    this(id, userId, names, plan, status, statusDetail, source, chartVersion, stripeCustomerId, stripeSubscriptionId,
        createdAt, updatedAt, deployedAt, deletionDueAt, generation, intent, 0);
  }
}
