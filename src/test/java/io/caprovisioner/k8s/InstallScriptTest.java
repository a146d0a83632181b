package io.caprovisioner.k8s;

import io.caprovisioner.k8s.model.InstallJob;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The installer Job's script run by the real /bin/sh, with stand-ins for the image's {@code php}
 * probe and {@code caUtils} (there is no CollectiveAccess image here): which caUtils commands run
 * in which database state, and that the kept admin password is always set last.
 */
class InstallScriptTest {
  @TempDir
  Path dir;

  record Run(int exit, List<String> caUtils) {
  }

  Run run(int probeExit, boolean failReset) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("calls.log");
    Files.deleteIfExists(calls);
    script(bin.resolve("php"), "exit " + probeExit);
    script(bin.resolve("caUtils"), "echo \"$*\" >> '" + calls + "'\n"
        + (failReset ? "case \"$1\" in reset-password) exit 1;; esac\n" : "") + "exit 0");
    Path root = Files.createDirectories(dir.resolve("ca"));
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", InstallJob.SCRIPT).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.environment().put("CA_ROOT", root.toString());
    pb.environment().put("CA_PROFILE", "default");
    pb.environment().put("CA_ADMIN_EMAIL", "registrar@museum.example");
    pb.environment().put("CA_SITE_HOSTNAME", "tenant-x.example.org");
    pb.environment().put("CA_ADMIN_PASSWORD", "keptPassword123");
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    return new Run(p.exitValue(), lines);
  }

  private static void script(Path file, String body) throws Exception {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aFreshDatabaseIsInstalledThenGetsTheKeptPassword() throws Exception {
    Run r = run(1, false);
    assertThat(r.exit()).isZero();
    assertThat(r.caUtils()).containsExactly(
        "install --profile-name=default --admin-email=registrar@museum.example --hostname=tenant-x.example.org",
        "reset-password --user=administrator --password=keptPassword123");
    assertThat(String.join("\n", r.caUtils())).doesNotContain("--overwrite");
  }

  @Test
  void anInstalledDatabaseIsUpdatedAndStillGetsTheKeptPassword() throws Exception {
    Run r = run(0, false);
    assertThat(r.exit()).isZero();
    assertThat(r.caUtils()).containsExactly("update-database-schema",
        "reset-password --user=administrator --password=keptPassword123");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 255})
  void whenTheDatabaseStateIsUnknownNothingRunsAndTheJobFails(int probeExit) throws Exception {
    Run r = run(probeExit, false);
    assertThat(r.exit()).isNotZero();
    assertThat(r.caUtils()).isEmpty();
  }

  @Test
  void aFailedPasswordResetFailsTheJob() throws Exception {
    assertThat(run(1, true).exit()).isNotZero();
  }
}
