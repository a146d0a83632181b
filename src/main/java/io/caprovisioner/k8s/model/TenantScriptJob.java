package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pure: the shape every CollectiveAccess maintenance Job of a tenant shares (the installer, a
 * password reset): one container of the tenant's image running a shell script, values by
 * environment only, secrets by reference to the tenant's Secrets, one try per Job (the
 * reconcile retries with backoff and keeps each failure's log). Each passes Pod Security
 * {@code restricted} ({@link RestrictedPod}), has requests and limits (a ResourceQuota admits
 * nothing without), a deadline past which Kubernetes stops it whatever the service does, and a
 * TTL after it finished.
 */
final class TenantScriptJob {
  /**
   * Shell: sets the administrator's password to {@code $CA_ADMIN_PASSWORD} through
   * CollectiveAccess' own user model, which reads it from the environment inside PHP. Never
   * {@code caUtils reset-password --password=...}: a command line is world-readable (ps,
   * /proc/PID/cmdline) to every process of the pod's node that shares its PID namespace.
   */
  static final String SET_ADMIN_PASSWORD = """
      php -r '
        require getenv("CA_ROOT") . "/setup.php";
        require_once __CA_MODELS_DIR__ . "/ca_users.php";
        $u = new ca_users();
        if (!$u->load(["user_name" => "administrator"])) { fwrite(STDERR, "no administrator account\n"); exit(1); }
        $u->setMode(ACCESS_WRITE);
        $u->set("password", getenv("CA_ADMIN_PASSWORD"));
        $u->update();
        if ($u->numErrors() > 0) { fwrite(STDERR, join("; ", $u->getErrors()) . "\n"); exit(1); }'
      echo "administrator password set"
      """;
  /** A backstop: the steps time out earlier and delete the Job themselves. */
  static final Duration DEADLINE = Duration.ofHours(2);

  private TenantScriptJob() {
  }

  static Job of(TenantNames names, String jobName, String container, String image, String script,
      List<EnvVar> env) {
    // CollectiveAccess writes inside its own tree (caches, the setup it generates): a writable root
    return of(names, jobName, container, image, script, env, DEADLINE, false, List.of(), List.of());
  }

  /**
   * The one shape of a tenant's maintenance Job: one try, a deadline, cleaned up after it ends,
   * a pod that passes Pod Security {@code restricted}, bounded resources.
   *
   * @param readOnlyRoot the container's root filesystem read-only (it writes only to its volumes)
   */
  static Job of(TenantNames names, String jobName, String container, String image, String script,
      List<EnvVar> env, Duration deadline, boolean readOnlyRoot, List<VolumeMount> mounts, List<Volume> volumes) {
    return new JobBuilder()
        .withNewMetadata().withName(jobName).withNamespace(names.namespace()).withLabels(TenantLabels.of(names))
        .endMetadata()
        .withNewSpec()
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds(deadline.toSeconds())
          .withTtlSecondsAfterFinished(RestrictedPod.TTL_SECONDS_AFTER_FINISHED)
          .withNewTemplate()
            .withNewMetadata().withLabels(TenantLabels.of(names)).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .withSecurityContext(RestrictedPod.pod())
              .addNewContainer()
                .withName(container).withImage(image)
                .withCommand("/bin/sh", "-c", script)
                .withEnv(env)
                .withSecurityContext(RestrictedPod.container(readOnlyRoot))
                .withResources(RestrictedPod.resources("100m", "256Mi", "1", "1Gi"))
                .withVolumeMounts(mounts)
              .endContainer()
              .withVolumes(volumes)
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  static EnvVar fromSecret(String name, String secret, String key) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
        .endSecretKeyRef().endValueFrom().build();
  }

  static EnvVar value(String name, String value) {
    return new EnvVar(name, value, null);
  }

  /** CA_DB_HOST, _PORT, _DATABASE, _USER, _PASSWORD from Secret ca-db, as the chart's image reads them. */
  static List<EnvVar> databaseEnv() {
    List<EnvVar> env = new ArrayList<>();
    for (String key : List.of("host", "port", "database", "user", "password")) {
      env.add(fromSecret("CA_DB_" + key.toUpperCase(Locale.ROOT), TenantSecrets.DATABASE, key));
    }
    return env;
  }
}
