package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure: the Jobs that back a tenant up to S3-compatible storage and restore it from there. One
 * container of the backup image runs a shell script; every value reaches it by environment (the
 * database's and the storage's credentials by reference to Secrets), so nothing is interpolated
 * into shell code and no secret is in the Job spec or on a command line. The archive is one
 * object: {@code database.sql} (mariadb-dump --single-transaction) and {@code media.tar} (the
 * whole media volume), gzipped; its SHA-256 is sent as the upload's payload hash, which the
 * storage checks, and kept as the object's metadata {@code sha256}.
 */
public final class BackupJob {
  public static final String BACKUP_PREFIX = "ca-backup-";
  public static final String RESTORE_PREFIX = "ca-restore-";
  /** The storage's credentials in the tenant namespace, copied there from the service's configuration. */
  public static final String STORAGE_SECRET = "ca-backup-s3";
  /** Where the media volume is mounted, and the scratch space (the root file system is read-only). */
  public static final String MEDIA_DIR = "/data";
  public static final String WORK_DIR = "/work";

  /** The storage's part of a Job: where the object goes; the credentials come from {@link #STORAGE_SECRET}. */
  public record Storage(String endpoint, String bucket, String region) {
  }

  public static final String BACKUP_SCRIPT = """
      set -eu
      umask 077
      cd "$WORK_DIR"
      # the password by environment: a command line is visible to every process of the node
      export MYSQL_PWD="$CA_DB_PASSWORD"
      mariadb-dump --single-transaction --host="$CA_DB_HOST" --port="$CA_DB_PORT" --user="$CA_DB_USER" \\
        "$CA_DB_DATABASE" > database.sql
      tar --exclude=./lost+found -cf media.tar -C "$MEDIA_DIR" .
      tar -czf backup.tar.gz database.sql media.tar
      rm -f database.sql media.tar
      sum=$(sha256sum backup.tar.gz | cut -d ' ' -f 1)
      printf 'user = "%s:%s"\\n' "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY" > curl.conf
      curl --fail --silent --show-error --config curl.conf --aws-sigv4 "aws:amz:$S3_REGION:s3" \\
        -H "x-amz-content-sha256: $sum" -H "x-amz-meta-sha256: $sum" \\
        --upload-file backup.tar.gz "$S3_ENDPOINT/$S3_BUCKET/$S3_KEY"
      rm -f curl.conf
      echo "uploaded $S3_KEY: $(wc -c < backup.tar.gz) bytes, sha256 $sum"
      """;

  /**
   * The database becomes exactly what the dump holds (tables made after the backup are dropped
   * too), then the media volume what the archive holds. The download is checked against the
   * checksum recorded when the backup was taken before anything is touched.
   */
  public static final String RESTORE_SCRIPT = """
      set -eu
      umask 077
      cd "$WORK_DIR"
      printf 'user = "%s:%s"\\n' "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY" > curl.conf
      curl --fail --silent --show-error --config curl.conf --aws-sigv4 "aws:amz:$S3_REGION:s3" \\
        -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \\
        --output backup.tar.gz "$S3_ENDPOINT/$S3_BUCKET/$S3_KEY"
      rm -f curl.conf
      echo "$BACKUP_SHA256  backup.tar.gz" | sha256sum -c -
      tar -xzf backup.tar.gz
      rm -f backup.tar.gz
      export MYSQL_PWD="$CA_DB_PASSWORD"
      db() { mariadb --host="$CA_DB_HOST" --port="$CA_DB_PORT" --user="$CA_DB_USER" "$@" "$CA_DB_DATABASE"; }
      db --batch --skip-column-names > drop.sql <<'SQL'
      SELECT CONCAT(IF(table_type = 'VIEW', 'DROP VIEW IF EXISTS `', 'DROP TABLE IF EXISTS `'),
                    REPLACE(table_name, '`', '``'), '`;')
        FROM information_schema.tables WHERE table_schema = DATABASE();
      SQL
      { echo 'SET FOREIGN_KEY_CHECKS = 0;'; cat drop.sql database.sql; } | db
      rm -f drop.sql database.sql
      find "$MEDIA_DIR" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
      tar -xf media.tar -C "$MEDIA_DIR"
      rm -f media.tar
      echo "restored $S3_KEY"
      """;

  private BackupJob() {
  }

  public static String backupName(long backupId) {
    return BACKUP_PREFIX + backupId;
  }

  public static String restoreName(long restoreId) {
    return RESTORE_PREFIX + restoreId;
  }

  /** The tenant chart's media volume: {@code <release>-media}, the release being the namespace. */
  public static String mediaClaim(TenantNames names) {
    return names.namespace() + "-media";
  }

  public static Job backup(TenantNames names, String image, Storage storage, String objectKey, long backupId,
      Duration deadline) {
    return of(names, backupName(backupId), "backup", image, BACKUP_SCRIPT, env(storage, objectKey), true, deadline);
  }

  public static Job restore(TenantNames names, String image, Storage storage, String objectKey, String sha256,
      long restoreId, Duration deadline) {
    List<EnvVar> env = env(storage, objectKey);
    env.add(TenantScriptJob.value("BACKUP_SHA256", sha256));
    return of(names, restoreName(restoreId), "restore", image, RESTORE_SCRIPT, env, false, deadline);
  }

  /** Secret {@value #STORAGE_SECRET} of the tenant namespace. */
  public static Secret storageSecret(TenantNames names, String accessKeyId, String secretAccessKey) {
    Map<String, String> data = new HashMap<>();
    data.put("access-key-id", b64(accessKeyId));
    data.put("secret-access-key", b64(secretAccessKey));
    return new SecretBuilder().withNewMetadata().withName(STORAGE_SECRET).withNamespace(names.namespace())
        .withLabels(TenantLabels.of(names)).endMetadata().withType("Opaque").withData(data).build();
  }

  private static String b64(String v) {
    return Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8));
  }

  private static List<EnvVar> env(Storage storage, String objectKey) {
    List<EnvVar> env = new ArrayList<>(TenantScriptJob.databaseEnv());
    env.add(TenantScriptJob.fromSecret("S3_ACCESS_KEY_ID", STORAGE_SECRET, "access-key-id"));
    env.add(TenantScriptJob.fromSecret("S3_SECRET_ACCESS_KEY", STORAGE_SECRET, "secret-access-key"));
    env.add(TenantScriptJob.value("S3_ENDPOINT", storage.endpoint()));
    env.add(TenantScriptJob.value("S3_BUCKET", storage.bucket()));
    env.add(TenantScriptJob.value("S3_REGION", storage.region()));
    env.add(TenantScriptJob.value("S3_KEY", objectKey));
    env.add(TenantScriptJob.value("MEDIA_DIR", MEDIA_DIR));
    env.add(TenantScriptJob.value("WORK_DIR", WORK_DIR));
    env.add(TenantScriptJob.value("HOME", WORK_DIR));
    return env;
  }

  private static Job of(TenantNames names, String jobName, String container, String image, String script,
      List<EnvVar> env, boolean mediaReadOnly, Duration deadline) {
    List<VolumeMount> mounts = List.of(
        new VolumeMountBuilder().withName("media").withMountPath(MEDIA_DIR).withReadOnly(mediaReadOnly).build(),
        new VolumeMountBuilder().withName("work").withMountPath(WORK_DIR).build());
    List<Volume> volumes = List.of(
        new VolumeBuilder().withName("media").withNewPersistentVolumeClaim().withClaimName(mediaClaim(names))
            .withReadOnly(mediaReadOnly).endPersistentVolumeClaim().build(),
        new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build());
    return TenantScriptJob.of(names, jobName, container, image, script, env, deadline, true, mounts, volumes);
  }
}
