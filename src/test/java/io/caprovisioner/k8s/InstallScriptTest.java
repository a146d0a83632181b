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
    return run(InstallJob.SCRIPT, probeExit, failReset);
  }

  /**
   * {@code php} plays the probe, or (its code names the user model) the password setter, which
   * records the password it read from its environment; every command line is recorded too.
   */
  Run run(String jobScript, int probeExit, boolean failReset) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("calls.log");
    Files.deleteIfExists(calls);
    Files.deleteIfExists(dir.resolve("argv.log"));
    String argv = "printf '%s\\n' \"$0 $*\" >> '" + dir.resolve("argv.log") + "'\n";
    script(bin.resolve("php"), argv + "case \"$2\" in *new?ca_users*) echo \"set password from environment: $CA_ADMIN_PASSWORD\" >> '"
        + calls + "'; exit " + (failReset ? 1 : 0) + ";; esac\nexit " + probeExit);
    script(bin.resolve("caUtils"), argv + "echo \"$*\" >> '" + calls + "'\nexit 0");
    Path root = Files.createDirectories(dir.resolve("ca"));
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", jobScript).redirectErrorStream(true);
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
    // the password never on a command line (ps, /proc/PID/cmdline)
    assertThat(Files.readString(dir.resolve("argv.log"))).doesNotContain("keptPassword123");
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
        "set password from environment: keptPassword123");
    assertThat(String.join("\n", r.caUtils())).doesNotContain("--overwrite");
  }

  @Test
  void anInstalledDatabaseIsUpdatedAndStillGetsTheKeptPassword() throws Exception {
    Run r = run(0, false);
    assertThat(r.exit()).isZero();
    assertThat(r.caUtils()).containsExactly("update-database-schema",
        "set password from environment: keptPassword123");
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

  @Test
  void theRotationJobSetsThePasswordFromItsEnvironment() throws Exception {
    Run r = run(io.caprovisioner.k8s.model.PasswordResetJob.SCRIPT, 0, false);
    assertThat(r.exit()).isZero();
    assertThat(r.caUtils()).containsExactly("set password from environment: keptPassword123");
    assertThat(run(io.caprovisioner.k8s.model.PasswordResetJob.SCRIPT, 0, true).exit()).isNotZero();
  }
}
