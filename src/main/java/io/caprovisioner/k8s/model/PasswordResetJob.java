package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * Pure: the Kubernetes Job that sets the CollectiveAccess administrator's password to the one in
 * Secret ca-admin, one Job per rotation. The password reaches the script by reference to the
 * Secret, never in the Job spec, and the script keeps it off every command line.
 */
public final class PasswordResetJob {
  public static final String NAME_PREFIX = "ca-reset-password-";

  public static final String SCRIPT = """
      set -eu
      export PATH="$PATH:$CA_ROOT/support/bin"
      cd "$CA_ROOT"
      """ + TenantScriptJob.SET_ADMIN_PASSWORD + """
      echo "done"
      """;

  private PasswordResetJob() {
  }

  public static String name(int rotation) {
    return NAME_PREFIX + rotation;
  }

  public static Job of(TenantNames names, String image, String caRoot, int rotation) {
    java.util.List<EnvVar> env = new java.util.ArrayList<>();
    env.add(TenantScriptJob.fromSecret("CA_ADMIN_PASSWORD", TenantSecrets.ADMIN, "password"));
    env.add(TenantScriptJob.value("CA_APP_NAME", names.appName()));
    env.add(TenantScriptJob.value("CA_ROOT", caRoot));
    // caUtils reads the database settings the chart's image expects, from Secret ca-db
    env.addAll(TenantScriptJob.databaseEnv());
    return TenantScriptJob.of(names, name(rotation), "reset-password", image, SCRIPT, env);
  }
}
