package io.caprovisioner.jobs;

import io.caprovisioner.tenant.TenantStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The steps a tenant job runs, chosen from the tenant's recorded status when the job starts.
 *
 * @param name      for logs: provision, suspend, resume, plan-change, delete
 * @param whileIn   the statuses under which the steps still make sense; checked before every
 *                  step, so a later request (suspend during provisioning, resume during
 *                  deletion) stops this job instead of being undone by it
 * @param startAs   status set when the job starts (provisioning), if any
 */
public record TenantPipeline(String name, Set<TenantStatus> whileIn, List<TenantStep> steps,
    Optional<TenantStatus> startAs) {
}
