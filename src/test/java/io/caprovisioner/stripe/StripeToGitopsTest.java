package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static io.caprovisioner.testing.GitCli.git;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with the service's own job runner: a signed checkout is acknowledged, the
 * runner applies it, provisions the tenant and commits its manifests to the gitops repository
 * (the default local bare repository), read back with the real git CLI. No MySQL is configured,
 * so the pipeline then waits at mysql.create and says so; the tenant is never active.
 */
class StripeToGitopsTest {
  @TempDir
  Path work;

  @Test
  void aCheckoutBecomesACommitWithTrailersAndNoPersonalData() throws Exception {
    try (StripeTestService service = new StripeTestService(Map.of("JOB_WORKERS", "2"))) {
      String sub = StripeEventFactory.id("sub");
      var event = StripeEventFactory.checkoutCompleted("curator@museum.example", Optional.of("pro"),
          StripeEventFactory.id("cus"), sub, Instant.now().getEpochSecond());
      assertThat(service.deliver(event).statusCode()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        Map<String, Object> tenant = service.tenantOf(sub);
        assertThat(tenant).isNotNull();
        assertThat((String) tenant.get("status_detail")).contains("mysql.create").contains("DB_HOST");
      });
      Map<String, Object> tenant = service.tenantOf(sub);
      assertThat(tenant.get("status")).isEqualTo("provisioning");
      String namespace = (String) tenant.get("namespace");

      Path remote = Path.of(service.env.get("PROVISIONER_HOME"), "gitops", "remote.git");
      Path clone = work.resolve("clone");
      git(work, "clone", "-q", remote.toString(), clone.toString());
      List<Path> files;
      try (var walk = Files.walk(clone.resolve("tenants"))) {
        files = walk.filter(p -> p.getParent().getFileName().toString().equals(namespace)).toList();
      }
      assertThat(files).extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrder("tenant.yaml", "application.yaml");
      assertThat(files.get(0).getParent().getParent().getFileName().toString())
          .isEqualTo(io.caprovisioner.tenant.TenantNames.shardOf(namespace));
      String trailers = git(clone, "log", "-1", "--format=%(trailers)", "--", "tenants");
      assertThat(trailers).contains("Tenant: " + namespace).contains("Action: provision")
          .contains("Stripe-Event: " + event.getString("id"));
      String everything = git(clone, "log", "-p", "--all");
      assertThat(everything).doesNotContain("curator@museum.example").doesNotContainIgnoringCase("password:");
    }
  }
}
