package io.caprovisioner.api;

import io.caprovisioner.tenant.Tenant;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.Optional;

/** The tenant as the API shows it: snake_case, never a password or an email. */
public final class TenantJson {
  private TenantJson() {
  }

  public static JsonObject of(Tenant t) {
    return new JsonObject()
        .put("id", t.id())
        .put("name", t.names().id())
        .put("namespace", t.names().namespace())
        .put("helm_release_name", t.names().helmRelease())
        .put("domain", t.names().domain())
        .put("plan", t.plan())
        .put("status", t.status().wire())
        .put("status_detail", t.statusDetail().orElse(null))
        .put("source", t.source().wire())
        .put("db_name", t.names().database())
        .put("db_user", t.names().dbUser())
        .put("stripe_customer_id", t.stripeCustomerId().orElse(null))
        .put("stripe_subscription_id", t.stripeSubscriptionId().orElse(null))
        .put("created_at", t.createdAt().toString())
        .put("updated_at", t.updatedAt().toString())
        .put("deployed_at", time(t.deployedAt()))
        .put("deletion_due_at", time(t.deletionDueAt()));
  }

  private static String time(Optional<OffsetDateTime> t) {
    return t.map(OffsetDateTime::toString).orElse(null);
  }
}
