package io.caprovisioner.cli;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "serve", description = {"Run the service (HTTP API, webhooks, job runner, /metrics on MANAGEMENT_PORT).",
    "Configured by environment variables only (below; README.md has the whole table). DATABASE_URL unset is dev mode: "
        + "an embedded PostgreSQL and generated secrets under PROVISIONER_HOME.",
    "On SIGTERM /readyz answers 503 for DRAIN_DELAY_SECONDS while requests are still served, then the listener "
        + "closes and in-flight requests and jobs finish."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  /** Every variable the service reads, for {@code serve --help}; README.md's table says more. */
  static final String[][] ENVIRONMENT = {
      {"PORT", "HTTP port of the API and webhooks (8000)"},
      {"MANAGEMENT_PORT", "port of /metrics, for Prometheus only (9464)"},
      {"DRAIN_DELAY_SECONDS", "after SIGTERM, how long /readyz answers 503 before the listener closes (5)"},
      {"LOG_FORMAT", "plain (default) or json"},
      {"LOG_LEVEL", "INFO (default), DEBUG, WARN..."},
      {"PROVISIONER_HOME", "embedded database, dev secrets, the local gitops clone (./var)"},
      {"DATABASE_URL", "postgresql://user:pass@host:port/db; unset: dev mode"},
      {"ADMIN_API_TOKEN", "bearer token of the admin API (32+ characters)"},
      {"SECRET_KEY", "seals kept passwords; comma-separated for rotation"},
      {"STRIPE_WEBHOOK_SECRET", "whsec_..., comma-separated for rotation"},
      {"STRIPE_SECRET_KEY", "when set, subscriptions are re-fetched from Stripe"},
      {"STRIPE_API_BASE", "another Stripe API base (tests)"},
      {"STRIPE_LIVEMODE", "true/false: refuse events of the other mode"},
      {"STRIPE_PRICE_PLANS", "price_a=starter,price_b=pro,..."},
      {"PLANS_FILE", "YAML plan catalogue"},
      {"BASE_DOMAIN", "tenants live at tenant-<id>.<BASE_DOMAIN>"},
      {"CA_DOCKER_IMAGE", "the CollectiveAccess image"},
      {"CA_CERT_ISSUER", "cert-manager ClusterIssuer of tenant sites"},
      {"TENANT_RETENTION_DAYS", "how long a deleted tenant's data is kept (30)"},
      {"STRIPE_PAYLOAD_RETENTION_DAYS", "days an applied Stripe event keeps the customer's name and address (30)"},
      {"DB_HOST, DB_PORT, DB_USER, DB_PASSWORD", "the shared MySQL of tenant databases"},
      {"KUBERNETES_IN_CLUSTER", "use the pod's service account (else KUBECONFIG)"},
      {"GITOPS_REPO_URL, GITOPS_BRANCH", "the gitops repository Argo CD syncs, and its branch"},
      {"GITOPS_FLAVOR", "argocd or flux"},
      {"GITOPS_TEMPLATE_DIR", "operator-edited per-tenant templates"},
      {"GITOPS_WEB_URL", "the forge's page of the branch's root folder"},
      {"GITOPS_POLL_INTERVAL", "seconds between imports of the gitops repo (30)"},
      {"GITOPS_TIMEOUT", "seconds a git fetch or push waits for the remote to answer (15)"},
      {"GITOPS_MAX_DELETIONS", "more removals than this in one import wait for an operator (3)"},
      {"GIT_USERNAME, GIT_TOKEN", "HTTPS credentials of the gitops remote"},
      {"GIT_SSH_KEY_FILE, GIT_SSH_KNOWN_HOSTS", "SSH key and known hosts of the gitops remote"},
      {"GIT_WEBHOOK_TOKEN", "checks POST /webhooks/git"},
      {"HELM_CHART_REPO, HELM_CHART_NAME, HELM_CHART_VERSION, HELM_CHART_PATH", "where Argo CD gets the tenant chart"},
      {"ARGOCD_NAMESPACE", "where tenant Applications live (argocd)"},
      {"JOB_WORKERS", "jobs this replica runs at once; 0: API only (4)"},
      {"PUBLIC_URL", "public base URL of customer pages and links"},
      {"BRAND_NAME", "the service's name as customers see it"},
      {"SUPPORT_EMAIL", "where customers are told to write"},
      {"SIGNUP_TEST_PAYMENTS", "true: /signup ends on a local test payment (dev mode without a Stripe key)"},
      {"SIGNUP_RATE_LIMIT", "requests a minute per client address to the customer pages (120)"},
      {"SMTP_URL", "smtp://user:pass@host:587 or smtps://...; unset: .eml files in PROVISIONER_HOME/outbox"},
      {"MAIL_FROM", "sender of customer messages"},
      {"MAIL_TEMPLATE_DIR", "operator-edited message templates"},
      {"CREDENTIALS_LINK_HOURS", "how long the one-time password link works (72)"},
      {"BACKUP_S3_ENDPOINT, BACKUP_S3_BUCKET, BACKUP_S3_REGION", "S3-compatible storage of tenant backups"},
      {"BACKUP_S3_ACCESS_KEY_ID, BACKUP_S3_SECRET_ACCESS_KEY", "its credentials (from a Secret)"},
      {"BACKUP_IMAGE", "image of the backup and restore Jobs (docker.io/library/mariadb:11.4)"},
      {"BACKUP_FINAL_DAYS", "how long the final backup before a purge is kept (90)"},
      {"BACKUP_JOB_TIMEOUT_MINUTES", "a backup or restore Job's deadline (120)"},
  };

  /** The footer of {@code serve --help}: the environment and an example. */
  static void describeEnvironment(CommandLine serve) {
    List<String> footer = new ArrayList<>(List.of("", "Environment:"));
    for (String[] variable : ENVIRONMENT) {
      footer.add("  " + variable[0] + "   " + variable[1]);
    }
    footer.addAll(List.of("", "Example:",
        "  java -jar ca-provisioner.jar serve                        # dev mode, on the embedded defaults",
        "  DATABASE_URL=postgresql://ca@db:5432/ca LOG_FORMAT=json java -jar ca-provisioner.jar serve"));
    serve.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
  }

  @Override
  public Integer call() throws InterruptedException {
    java.util.Optional<Integer> child = BoundedHeap.runInChildIfUnbounded("serve");
    if (child.isPresent()) {
      return child.get();
    }
    Config config = ConfigLoader.fromEnvironment();
    if (config.devMode()) {
      System.out.println("dev mode: DATABASE_URL is unset, using the embedded PostgreSQL under " + config.home()
          + (config.mysql().host().isEmpty() ? " and, DB_HOST being unset, an embedded MariaDB for tenant databases"
          : ""));
      config.secrets().adminTokenFile().ifPresent(f ->
          System.out.println("admin API token (generated): " + f + "   e.g. curl -H \"Authorization: Bearer $(cat "
              + f + ")\" localhost:" + config.http().port() + "/tenants"));
    }
    ProvisionerService service = ProvisionerService.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.stop();
      stopped.countDown();
    }, "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
