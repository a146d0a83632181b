package io.caprovisioner.gitimport;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git never changes a tenant that Stripe owns: what people did to its folder is written to its log. */
class StripeOwnedTenantsTest {
  @TempDir
  Path tmp;

  static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void handEditsAndRemovalsOfAStripeTenantAreReportedNotApplied() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ImportFixture f = new ImportFixture(tmp).start(Map.of())) {
      Config config = ConfigLoader.load(TestService.env(f.db, tmp.resolve("replica"), f.serviceEnv(Map.of())));
      Pool pool = Database.pool(vertx, f.db, 2);
      Tenant stripe = result(new TenantLifecycle(pool, config.tenants(), config.plans()).provision(new ProvisionRequest("customer@example.com",
          "pro", Optional.of("ab12cd34"), TenantSource.STRIPE, Optional.of("cus_ABC123"), Optional.of("sub_1"),
          Optional.empty(), Optional.of("evt_1"), "stripe-webhook")));
      try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
        TenantDesired desired = result(new TenantRepository().desiredState(pool, stripe.id(), config.plans()))
            .orElseThrow();
        assertThat(desired.adminEmail()).isEmpty();
        result(writer.write(desired, new GitChange(GitAction.PROVISION, Optional.of("evt_1"), "stripe-webhook")));
      }
      // the service's own commit: nothing in the tenant's log
      f.awaitImportOf(f.remoteTip().orElseThrow());
      assertThat(f.logMessages(stripe.id())).noneMatch(m -> m.startsWith("git.import"));

      git(f.clone, "pull", "-q", "origin", "main");
      Path tenantYaml = f.clone.resolve(f.folder("ab12cd34")).resolve("tenant.yaml");
      Files.writeString(tenantYaml, Files.readString(tenantYaml).replace("plan: pro", "plan: museum"));
      f.commitAndPush("Upgrade ab12cd34 by hand");
      f.awaitImportOf(f.remoteTip().orElseThrow());
      assertThat(f.tenant("ab12cd34").get().getString("plan")).isEqualTo("pro");
      assertThat(f.logMessages(stripe.id())).anyMatch(m -> m.startsWith("git.import tenant.yaml was changed in Git")
          && m.contains("owned by Stripe: not applied (plan pro -> museum)"));

      // the clone still has another tenant, so this is no "branch emptied" case
      f.tenantNew("city-museum", "pro", "registrar@city-museum.org");
      f.commitAndPush("Add the city museum");
      f.awaitTenant("city-museum");
      git(f.clone, "rm", "-q", "-r", f.folder("ab12cd34"));
      f.commitAndPush("Remove ab12cd34 by hand");
      f.awaitImportOf(f.remoteTip().orElseThrow());
      assertThat(f.tenant("ab12cd34").get().getString("status")).isEqualTo("pending");
      assertThat(f.logMessages(stripe.id())).anyMatch(m -> m.contains("owned by Stripe: not deleted"));
      assertThat(f.intentKinds(stripe.id())).containsExactly("provision");
      pool.close();
    } finally {
      vertx.close();
    }
  }
}
