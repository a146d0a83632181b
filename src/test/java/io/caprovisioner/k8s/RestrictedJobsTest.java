package io.caprovisioner.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.k8s.model.BackupJob;
import io.caprovisioner.k8s.model.InstallJob;
import io.caprovisioner.k8s.model.PasswordResetJob;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Job the runner starts in a tenant namespace passes Pod Security {@code restricted} (the
 * namespace enforces it: a Job that does not would never get a pod), is bounded in time and
 * resources, cleans itself up, and carries no secret in its spec.
 */
class RestrictedJobsTest {
  private static final TenantNames NAMES = TenantNames.of("city-museum", "sites.example.org");
  private static final BackupJob.Storage STORAGE = new BackupJob.Storage("https://s3.example.org", "backups",
      "eu-central-1");

  private static List<Job> jobs() {
    return List.of(
        BackupJob.backup(NAMES, "docker.io/library/mariadb:11.4", STORAGE, "tenant-city-museum/1-on-demand.tar.gz", 1,
            Duration.ofMinutes(90)),
        BackupJob.restore(NAMES, "docker.io/library/mariadb:11.4", STORAGE, "tenant-city-museum/1-on-demand.tar.gz",
            "ab".repeat(32), 3, Duration.ofMinutes(90)),
        InstallJob.of(NAMES, "registry.example.org/providence:2.0.10", "default", "/var/www/html"),
        PasswordResetJob.of(NAMES, "registry.example.org/providence:2.0.10", "/var/www/html", 2));
  }

  @Test
  void everyJobPassesPodSecurityRestricted() {
    for (Job job : jobs()) {
      PodSpec pod = job.getSpec().getTemplate().getSpec();
      String name = job.getMetadata().getName();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isPositive();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(name).isEqualTo("RuntimeDefault");
      assertThat(pod.getHostNetwork()).as(name).isNotEqualTo(Boolean.TRUE);
      for (Container c : pod.getContainers()) {
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(name).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).as(name).isNullOrEmpty();
        assertThat(c.getSecurityContext().getPrivileged()).as(name).isNotEqualTo(Boolean.TRUE);
        assertThat(c.getResources().getLimits()).as(name).containsKeys("cpu", "memory");
        assertThat(c.getResources().getRequests()).as(name).containsKeys("cpu", "memory");
      }
      pod.getVolumes().forEach(v -> assertThat(v.getHostPath()).as(name).isNull());
    }
  }

  @Test
  void everyJobIsBoundedInTimeCleansUpAndTriesOnce() {
    for (Job job : jobs()) {
      String name = job.getMetadata().getName();
      assertThat(job.getSpec().getActiveDeadlineSeconds()).as(name).isPositive();
      assertThat(job.getSpec().getTtlSecondsAfterFinished()).as(name).isPositive();
      assertThat(job.getSpec().getBackoffLimit()).as(name).isZero();
    }
    assertThat(jobs().get(0).getSpec().getActiveDeadlineSeconds()).isEqualTo(90 * 60);
  }

  @Test
  void secretsReachTheJobsOnlyByReference() {
    for (Job job : jobs()) {
      for (EnvVar e : job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
        if (e.getName().contains("PASSWORD") || e.getName().contains("SECRET") || e.getName().contains("ACCESS_KEY")) {
          assertThat(e.getValue()).as(job.getMetadata().getName() + " " + e.getName()).isNull();
          assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName()).isNotNull();
        }
      }
    }
  }

  @Test
  void aBackupReadsTheMediaVolumeAndARestoreWritesIt() {
    Job backup = jobs().get(0);
    Job restore = jobs().get(1);
    assertThat(backup.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("tenant-city-museum-media");
    assertThat(backup.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().get(0).getReadOnly())
        .isTrue();
    assertThat(restore.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().get(0).getReadOnly())
        .isFalse();
    assertThat(backup.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2))
        .contains("mariadb-dump --single-transaction");
  }
}
