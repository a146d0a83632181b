package io.caprovisioner.cli;

import io.caprovisioner.repotools.BaseRevision;
import io.caprovisioner.repotools.OfflineToolConfig;
import io.caprovisioner.repotools.Problem;
import io.caprovisioner.repotools.RepositoryValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate}: the pull-request check of the gitops repository. Exit 0 clean, 1 with one line per problem. */
@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar validate . --base origin/main"},
    name = "validate", description = "Check a gitops repository checkout: schema, names, duplicates, rendered "
    + "files, secrets, plans, Stripe ownership (with --base). Exit 0 when clean, else 1 with one line per problem.")
final class ValidateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", defaultValue = ".", paramLabel = "DIR", description = "The checkout (default: .).")
  Path repo;

  @Option(names = "--base", description = "The branch the change goes into (e.g. origin/main): only the tenant "
      + "folders HEAD's commits change against it are checked (every folder when they change a file outside "
      + "tenants/), and Stripe-owned tenants must be as they are there. Default in GitHub Actions pull requests: "
      + "origin/$GITHUB_BASE_REF.")
  String base;

  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    RepositoryValidator validator = new RepositoryValidator(OfflineToolConfig.load(env, repo));
    Optional<String> baseRef = Optional.ofNullable(base);
    Optional<BaseRevision> baseFiles = baseRef.isEmpty() ? Optional.empty()
        : Optional.of(BaseRevision.read(repo, baseRef.get()));
    Optional<String> ciBase = Optional.ofNullable(env.get("GITHUB_BASE_REF")).filter(s -> !s.isBlank())
        .map(b -> "origin/" + b);
    if (baseRef.isEmpty() && ciBase.isPresent()) {
      // a pull request in GitHub Actions: check against its base when the checkout has it (fetch-depth: 0)
      try {
        baseFiles = Optional.of(BaseRevision.read(repo, ciBase.get()));
        baseRef = ciBase;
      } catch (IOException e) {
        spec.commandLine().getErr().println("warning: Stripe ownership not checked: " + e.getMessage());
      }
    }
    RepositoryValidator.Result result = validator.validate(repo, baseFiles);
    result.problems().stream().map(Problem::toString).forEach(out::println);
    if (result.clean()) {
      boolean onlyChanged = baseFiles.isPresent() && !baseFiles.get().wholeTree();
      out.println("ok: " + result.tenants() + (onlyChanged ? " changed" : "") + " tenant(s) checked"
          + baseRef.map(b -> " against " + b).orElse(""));
      return 0;
    }
    out.println(result.problems().size() + " problem(s) in " + result.tenants() + " tenant(s)");
    return 1;
  }
}
