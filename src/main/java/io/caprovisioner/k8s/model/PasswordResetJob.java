package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * Pure: the Kubernetes Job that sets the CollectiveAccess administrator's password to the one in
 * Secret ca-admin ({@code caUtils reset-password}), one Job per rotation. The password reaches the
 * script by reference to the Secret, never in the Job spec.
 */
public final class PasswordResetJob {
  public static final String NAME_PREFIX = "ca-reset-password-";

  public static final String SCRIPT = """
      set -eu
      export PATH="$PATH:$CA_ROOT/support/bin"
      cd "$CA_ROOT"
      caUtils reset-password --user=administrator --password="$CA_ADMIN_PASSWORD"
      echo "done"
      """;

  private PasswordResetJob() {
  }

  public static String name(int rotation) {
    return NAME_PREFIX + rotation;
  }

  /** caUtils reads the database settings the chart's image expects, from Secret ca-db. */
  private static java.util.List<io.fabric8.kubernetes.api.model.EnvVar> databaseEnv() {
    java.util.List<io.fabric8.kubernetes.api.model.EnvVar> env = new java.util.ArrayList<>();
    for (String key : java.util.List.of("host", "port", "database", "user", "password")) {
      env.add(new EnvVarBuilder().withName("CA_DB_" + key.toUpperCase(java.util.Locale.ROOT)).withNewValueFrom()
          .withNewSecretKeyRef().withName(TenantSecrets.DATABASE).withKey(key).endSecretKeyRef().endValueFrom().build());
    }
    return env;
  }

  public static Job of(TenantNames names, String image, String caRoot, int rotation) {
    return new JobBuilder()
        .withNewMetadata().withName(name(rotation)).withNamespace(names.namespace())
        .withLabels(TenantLabels.of(names)).endMetadata()
        .withNewSpec()
          .withBackoffLimit(0)
          .withNewTemplate()
            .withNewMetadata().withLabels(TenantLabels.of(names)).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .addNewContainer()
                .withName("reset-password").withImage(image)
                .withCommand("/bin/sh", "-c", SCRIPT)
                .addToEnv(new EnvVarBuilder().withName("CA_ADMIN_PASSWORD").withNewValueFrom().withNewSecretKeyRef()
                    .withName(TenantSecrets.ADMIN).withKey("password").endSecretKeyRef().endValueFrom().build())
                .addNewEnv().withName("CA_APP_NAME").withValue(names.appName()).endEnv()
                .addNewEnv().withName("CA_ROOT").withValue(caRoot).endEnv()
                .addAllToEnv(databaseEnv())
              .endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }
}
