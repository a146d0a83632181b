package io.caprovisioner.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real git command line, to check what JGit wrote the way users and CI will see it. */
final class GitCli {
  private GitCli() {
  }

  static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-c", "safe.directory=*", "-c", "user.name=Staff",
        "-c", "user.email=staff@example.org", "-c", "init.defaultBranch=main"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed in " + dir + ":\n"
            + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
