package io.caprovisioner.cli;

import io.caprovisioner.config.RenderSettings;
import io.caprovisioner.render.RepositorySkeleton;
import io.caprovisioner.repotools.OfflineToolConfig;
import io.caprovisioner.repotools.Problem;
import io.caprovisioner.repotools.RepositoryInit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tenant init}: the first commit of a new gitops repository, written by hand: the skeleton
 * and the rendering settings, exactly what the service pushes into an empty repository.
 */
@Command(footer = {"", "Example:", "  mkdir gitops && cd gitops && git init && java -jar ca-provisioner.jar tenant init"},
    name = "init", description = "Write the skeleton of a new gitops repository into DIR (new, or empty but for "
    + ".git): README.md, tenants/, schema/, the CI workflow, and " + RenderSettings.FILE + " from the service's "
    + "environment (as `tenant settings`). Never overwrites: exit 1, writing nothing, when a file is already there.")
final class TenantInitCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", defaultValue = ".", paramLabel = "DIR", description = "The folder (default: .).")
  Path repo;

  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RepositoryInit.Result result = RepositoryInit.write(repo, RepositorySkeleton.files(OfflineToolConfig.load(env)));
    if (!result.refused().isEmpty()) {
      result.refused().stream().map(Problem::toString).forEach(err::println);
      err.println("nothing written: tenant init writes into a new or empty folder (a fresh clone's .git is fine) "
          + "and never overwrites or follows a link; move these away, or use `ca-provisioner tenant settings` to "
          + "write only " + RenderSettings.FILE);
      return 1;
    }
    result.written().forEach(f -> out.println("wrote " + f));
    out.println("next: git add -A && git commit -m 'Initialise the gitops repository' && git push; then add tenants "
        + "with `ca-provisioner tenant new`");
    return 0;
  }
}
