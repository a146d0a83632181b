package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Pure: the Kubernetes Job that installs CollectiveAccess into the tenant database, or updates
 * its schema when it is already installed. Every value reaches the script as an environment
 * variable (secrets from the Secrets by reference), so nothing is interpolated into shell code
 * and no secret appears in the Job spec. Never {@code --overwrite}: an existing site is never
 * reinstalled; the admin password is set explicitly, never read from the installer's output.
 */
public final class InstallJob {
  public static final String NAME_PREFIX = "ca-install-";

  /**
   * The probe exits 0: installed (the install's last act, the administrator account, exists);
   * 1: not installed (a half-finished install then fails loudly in {@code caUtils install}, which
   * never overwrites); 2: cannot tell (MySQL unreachable) and the Job fails.
   */
  public static final String SCRIPT = """
      set -eu
      export PATH="$PATH:$CA_ROOT/support/bin"
      cd "$CA_ROOT"
      if php -r '
        $m = @new mysqli(getenv("CA_DB_HOST"), getenv("CA_DB_USER"), getenv("CA_DB_PASSWORD"),
                         getenv("CA_DB_DATABASE"), (int) getenv("CA_DB_PORT"));
        if ($m->connect_errno) { fwrite(STDERR, "cannot connect to MySQL: " . $m->connect_error . "\\n"); exit(2); }
        $r = $m->query("SELECT 1 FROM ca_users WHERE user_name = \\"administrator\\"");
        exit($r && $r->num_rows > 0 ? 0 : 1);'
      then
        echo "CollectiveAccess is installed: updating the database schema"
        caUtils update-database-schema
      else
        rc=$?
        [ "$rc" -eq 1 ] || exit "$rc"
        echo "installing CollectiveAccess with profile $CA_PROFILE"
        caUtils install --profile-name="$CA_PROFILE" --admin-email="$CA_ADMIN_EMAIL" --hostname="$CA_SITE_HOSTNAME"
      fi
      # always: a run that installed but died before this line must still end with the kept password
      """ + TenantScriptJob.SET_ADMIN_PASSWORD + """
      echo "done"
      """;

  private InstallJob() {
  }

  /** One Job per image: a new image runs the schema update again, the same image does not. */
  public static String name(String image) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
      return NAME_PREFIX + HexFormat.of().formatHex(d).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Job of(TenantNames names, String image, String profile, String caRoot) {
    List<EnvVar> env = new ArrayList<>(TenantScriptJob.databaseEnv());
    env.add(TenantScriptJob.fromSecret("CA_ADMIN_EMAIL", TenantSecrets.ADMIN, "email"));
    env.add(TenantScriptJob.fromSecret("CA_ADMIN_PASSWORD", TenantSecrets.ADMIN, "password"));
    env.add(TenantScriptJob.value("CA_APP_NAME", names.appName()));
    env.add(TenantScriptJob.value("CA_SITE_HOSTNAME", names.domain()));
    env.add(TenantScriptJob.value("CA_PROFILE", profile));
    env.add(TenantScriptJob.value("CA_ROOT", caRoot));
    return TenantScriptJob.of(names, name(image), "install", image, SCRIPT, env);
  }
}
