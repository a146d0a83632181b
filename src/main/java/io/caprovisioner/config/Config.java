package io.caprovisioner.config;

import io.caprovisioner.tenant.PlanCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the service is configured with, read once from the environment at start
 * ({@link ConfigLoader}) and handed to whatever needs it. Secrets are held here but never
 * printed: {@link #toString()} is overridden on each record that carries one.
 *
 * @param home     PROVISIONER_HOME: embedded database, dev secrets, the local gitops clone
 * @param devMode  true when DATABASE_URL is unset: embedded PostgreSQL and generated secrets
 */
public record Config(Path home, boolean devMode, Http http, Postgres postgres, Secrets secrets, Stripe stripe,
    Gitops gitops, Chart chart, TenantMysql mysql, Kubernetes kubernetes, Jobs jobs, Tenants tenants,
    PlanCatalog plans, Brand brand, Signup signup, Mail mail, Operations operations, Backups backups) {

  /**
   * The customer pages ({@code /signup}, {@code /welcome}).
   *
   * @param testPayments      SIGNUP_TEST_PAYMENTS: checkout is a local "test payment, no money moves"
   *                          page instead of Stripe Checkout (dev mode without STRIPE_SECRET_KEY)
   * @param requestsPerMinute SIGNUP_RATE_LIMIT: requests to the customer pages per client address
   */
  public record Signup(boolean testPayments, int requestsPerMinute) {
  }

  /** The same configuration with another shared MySQL (dev mode's embedded one, chosen at start). */
  public Config withMysql(TenantMysql other) {
    return new Config(home, devMode, http, postgres, secrets, stripe, gitops, chart, other, kubernetes, jobs, tenants,
        plans, brand, signup, mail, operations, backups);
  }

  /**
   * Customer messages.
   *
   * @param smtp                 SMTP_URL; empty (dev): each message is written as an .eml file to {@code outboxDir}
   * @param from                 MAIL_FROM, an address or {@code Name <address>}
   * @param templateDir          MAIL_TEMPLATE_DIR: operator templates that replace the built-in ones, file by file
   * @param credentialsLinkHours CREDENTIALS_LINK_HOURS: how long a one-time password link works
   * @param outboxDir            PROVISIONER_HOME/outbox
   */
  public record Mail(Optional<SmtpUrl> smtp, String from, Optional<Path> templateDir, int credentialsLinkHours,
      Path outboxDir) {
  }

  /**
   * How the service is watched and stopped.
   *
   * @param managementPort MANAGEMENT_PORT: {@code /metrics} (Prometheus), kept off the public port
   * @param drainDelay     DRAIN_DELAY_SECONDS: after SIGTERM, readiness answers 503 this long while
   *                       requests are still served, so load balancers stop sending before the listener closes
   * @param logFormat      LOG_FORMAT (read by logback itself; checked here so a typo stops the start)
   */
  public record Operations(int managementPort, Duration drainDelay, LogFormat logFormat) {
  }

  /** LOG_FORMAT. */
  public enum LogFormat {
    PLAIN, JSON
  }

  /**
   * How the service presents itself to customers (pages, messages).
   *
   * @param publicUrl    PUBLIC_URL: the base of every link a customer gets, without a trailing slash
   * @param name         BRAND_NAME
   * @param supportEmail SUPPORT_EMAIL: where customers are told to write
   */
  public record Brand(String publicUrl, String name, String supportEmail) {
  }

  /** PORT. */
  public record Http(int port) {
  }

  /**
   * DATABASE_URL parsed; empty when the embedded server is to be used.
   */
  public record Postgres(Optional<DatabaseUrl> url, Path embeddedDataDir) {
  }

  /** ADMIN_API_TOKEN and SECRET_KEY (comma-separated keys, the sealing one first), plus where dev mode keeps generated ones. */
  public record Secrets(String adminApiToken, String secretKey, Optional<Path> adminTokenFile) {
    @Override
    public String toString() {
      return "Secrets[redacted]";
    }
  }

  /**
   * @param webhookSecrets STRIPE_WEBHOOK_SECRET, comma-separated for rotation
   * @param secretKey      STRIPE_SECRET_KEY, empty when Stripe's API is not to be called
   * @param apiBase        STRIPE_API_BASE, for tests against a fake Stripe
   * @param livemode       STRIPE_LIVEMODE, empty to accept both
   * @param payloadRetentionDays STRIPE_PAYLOAD_RETENTION_DAYS, how long an applied event's body
   *                       keeps the customer's name and address
   */
  public record Stripe(List<String> webhookSecrets, Optional<String> secretKey, Optional<String> apiBase,
      Optional<Boolean> livemode, int payloadRetentionDays) {
    public Stripe {
      webhookSecrets = List.copyOf(webhookSecrets);
    }

    /**
     * Whether the service's customers live in Stripe's test mode, for links to the dashboard:
     * STRIPE_LIVEMODE when set, else the secret key's prefix ({@code sk_test_}/{@code rk_test_});
     * with neither, live. Only STRIPE_LIVEMODE reaches the offline tools (they never see a key),
     * which is why the service writes its answer into the gitops repository's settings file.
     */
    public boolean testMode() {
      return livemode.map(live -> !live)
          .orElseGet(() -> secretKey.map(k -> k.startsWith("sk_test_") || k.startsWith("rk_test_")).orElse(false));
    }

    @Override
    public String toString() {
      return "Stripe[webhookSecrets=" + webhookSecrets.size() + ", secretKey=" + secretKey.map(k -> "set")
          .orElse("unset") + ", apiBase=" + apiBase + ", livemode=" + livemode + "]";
    }
  }

  /**
   * @param repoUrl        GITOPS_REPO_URL; empty: a local bare repository under PROVISIONER_HOME
   * @param flavor         GITOPS_FLAVOR: {@code argocd} or {@code flux}
   * @param templateDir    GITOPS_TEMPLATE_DIR; empty: the templates in the jar
   * @param sshKnownHosts  GIT_SSH_KNOWN_HOSTS; empty: {@code ~/.ssh/known_hosts}
   * @param pollInterval   GITOPS_POLL_INTERVAL
   * @param maxDeletions   GITOPS_MAX_DELETIONS: more tenant folders removed from Git at once than this
   *                       wait for an operator's confirmation
   * @param webUrl         GITOPS_WEB_URL: the forge's page of the branch's root folder (no trailing
   *                       slash); a tenant's folder is linked at {@code <webUrl>/tenants/<shard>/<namespace>}
   */
  public record Gitops(Optional<String> repoUrl, String branch, GitopsFlavor flavor, Optional<Path> templateDir,
      Optional<String> username, Optional<String> token, Optional<Path> sshKeyFile, Optional<Path> sshKnownHosts,
      Duration pollInterval, Optional<String> webhookToken, String argocdNamespace, int maxDeletions,
      Optional<String> webUrl, Duration timeout) {
    public static final int DEFAULT_MAX_DELETIONS = 3;
    /**
     * GITOPS_TIMEOUT's default: how long one fetch or push may wait for the remote's next byte. A
     * forge that accepts and never answers holds the single git thread this long per call.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    /** The shape before GITOPS_TIMEOUT existed; its default applies. */
    public Gitops(Optional<String> repoUrl, String branch, GitopsFlavor flavor, Optional<Path> templateDir,
        Optional<String> username, Optional<String> token, Optional<Path> sshKeyFile, Optional<Path> sshKnownHosts,
        Duration pollInterval, Optional<String> webhookToken, String argocdNamespace, int maxDeletions,
        Optional<String> webUrl) {
      this(repoUrl, branch, flavor, templateDir, username, token, sshKeyFile, sshKnownHosts, pollInterval,
          webhookToken, argocdNamespace, maxDeletions, webUrl, DEFAULT_TIMEOUT);
    }

    /** The shape before GITOPS_WEB_URL existed: no forge link. */
    public Gitops(Optional<String> repoUrl, String branch, GitopsFlavor flavor, Optional<Path> templateDir,
        Optional<String> username, Optional<String> token, Optional<Path> sshKeyFile, Optional<Path> sshKnownHosts,
        Duration pollInterval, Optional<String> webhookToken, String argocdNamespace, int maxDeletions) {
      this(repoUrl, branch, flavor, templateDir, username, token, sshKeyFile, sshKnownHosts, pollInterval,
          webhookToken, argocdNamespace, maxDeletions, Optional.empty());
    }

    /** The shape before GITOPS_MAX_DELETIONS existed; its default applies. */
    public Gitops(Optional<String> repoUrl, String branch, GitopsFlavor flavor, Optional<Path> templateDir,
        Optional<String> username, Optional<String> token, Optional<Path> sshKeyFile, Optional<Path> sshKnownHosts,
        Duration pollInterval, Optional<String> webhookToken, String argocdNamespace) {
      this(repoUrl, branch, flavor, templateDir, username, token, sshKeyFile, sshKnownHosts, pollInterval,
          webhookToken, argocdNamespace, DEFAULT_MAX_DELETIONS);
    }

    @Override
    public String toString() {
      return "Gitops[repoUrl=" + repoUrl + ", branch=" + branch + ", flavor=" + flavor + ", templateDir="
          + templateDir + ", token=" + token.map(t -> "set").orElse("unset") + ", pollInterval=" + pollInterval
          + ", argocdNamespace=" + argocdNamespace + ", maxDeletions=" + maxDeletions + ", webUrl=" + webUrl
          + ", timeout=" + timeout + "]";
    }
  }

  /**
   * Where Argo CD / Flux fetch the tenant chart from: a Helm repository (repoUrl + name + version)
   * or, when {@code path} is set, a Git repository (repoUrl + path + version as the git revision).
   */
  public record Chart(String repoUrl, String name, String version, Optional<String> path) {
    public boolean fromGit() {
      return path.isPresent();
    }
  }

  /** The shared MySQL where tenant databases live (DB_HOST ...); empty host: not configured. */
  public record TenantMysql(Optional<String> host, int port, String user, Optional<String> password) {
    @Override
    public String toString() {
      return "TenantMysql[host=" + host + ", port=" + port + ", user=" + user + ", password="
          + password.map(p -> "set").orElse("unset") + "]";
    }
  }

  /** KUBERNETES_IN_CLUSTER; otherwise the fabric8 defaults (KUBECONFIG, ~/.kube/config). */
  public record Kubernetes(boolean inCluster) {
  }

  /** JOB_WORKERS: jobs run at once by this replica; 0 runs none (an API-only replica). */
  public record Jobs(int workers) {
  }

  /**
   * @param baseDomain     BASE_DOMAIN, tenants are {@code tenant-<id>.<baseDomain>}
   * @param image          CA_DOCKER_IMAGE
   * @param certIssuer     CA_CERT_ISSUER, the cert-manager ClusterIssuer
   * @param retentionDays  TENANT_RETENTION_DAYS, how long a deleted tenant's data is kept
   */
  public record Tenants(String baseDomain, String image, String certIssuer, int retentionDays) {
  }

  /**
   * Backups of tenants to S3-compatible object storage (issue 14).
   *
   * @param endpoint        BACKUP_S3_ENDPOINT, e.g. {@code https://s3.eu-central-1.amazonaws.com}; empty: no backups
   *                        can run (the admin API refuses them; a final backup waits)
   * @param bucket          BACKUP_S3_BUCKET; each tenant's objects live under {@code <namespace>/}
   * @param region          BACKUP_S3_REGION, for the request signature
   * @param accessKeyId     BACKUP_S3_ACCESS_KEY_ID (from the service's Secret)
   * @param secretAccessKey BACKUP_S3_SECRET_ACCESS_KEY (from the service's Secret)
   * @param image           BACKUP_IMAGE: the backup and restore Jobs' image; it needs {@code mariadb-dump},
   *                        {@code mariadb}, {@code tar}, {@code gzip}, {@code sha256sum} and {@code curl} 7.75 or newer
   * @param finalDays       BACKUP_FINAL_DAYS: how long the final backup taken before a purge is kept; 0: none is taken
   * @param jobTimeout      BACKUP_JOB_TIMEOUT_MINUTES: a backup or restore Job's activeDeadlineSeconds
   */
  public record Backups(Optional<String> endpoint, Optional<String> bucket, String region, Optional<String> accessKeyId,
      Optional<String> secretAccessKey, String image, int finalDays, Duration jobTimeout) {

    /** What keeps backups from running, if anything. */
    public Optional<String> missing() {
      if (endpoint.isEmpty()) {
        return Optional.of("BACKUP_S3_ENDPOINT is not set");
      }
      if (bucket.isEmpty()) {
        return Optional.of("BACKUP_S3_BUCKET is not set");
      }
      if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
        return Optional.of("BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY are not both set");
      }
      return Optional.empty();
    }

    @Override
    public String toString() {
      return "Backups[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKeyId="
          + accessKeyId.map(k -> "set").orElse("unset") + ", secretAccessKey="
          + secretAccessKey.map(k -> "set").orElse("unset") + ", image=" + image + ", finalDays=" + finalDays
          + ", jobTimeout=" + jobTimeout + "]";
    }
  }
}
