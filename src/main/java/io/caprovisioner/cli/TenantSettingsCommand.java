package io.caprovisioner.cli;

import io.caprovisioner.config.RenderSettings;
import io.caprovisioner.repotools.OfflineToolConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tenant settings}: (re)writes the repository's rendering settings from the environment, for
 * a repository initialised before the file existed or after the service's settings changed.
 */
@Command(footer = {"", "Example:", "  BASE_DOMAIN=museums.example.org java -jar ca-provisioner.jar tenant settings"},
    name = "settings", description = "Write " + RenderSettings.FILE + " (the rendering settings validate, "
    + "tenant new and tenant render read) from the service's environment: BASE_DOMAIN, HELM_CHART_*, GITOPS_FLAVOR, "
    + "PLANS_FILE, CA_DOCKER_IMAGE, CA_CERT_ISSUER, ARGOCD_NAMESPACE, STRIPE_LIVEMODE (or STRIPE_SECRET_KEY's mode), "
    + "GITOPS_WEB_URL. Commit it.")
final class TenantSettingsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", defaultValue = ".", paramLabel = "DIR", description = "The clone (default: .).")
  Path repo;

  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    // from the environment alone: the file being replaced must not veto its replacement
    String text = RenderSettings.text(OfflineToolConfig.load(env));
    Files.writeString(repo.resolve(RenderSettings.FILE), text, StandardCharsets.UTF_8);
    out.println("wrote " + RenderSettings.FILE);
    return 0;
  }
}
