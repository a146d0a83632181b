package io.caprovisioner.jobs;

import io.vertx.core.Future;
import java.time.OffsetDateTime;

/**
 * One idempotent step of a tenant pipeline: look at what exists, then create, change or leave it.
 * Returns {@link Outcome#waitFor} when it cannot run here yet (never skip), a failed Future when
 * it tried and failed.
 */
public interface TenantStep {
  String name();

  /** @param startedAt when this step's first attempt in this job began (for timeouts) */
  Future<Outcome> run(TenantWork work, OffsetDateTime startedAt);
}
