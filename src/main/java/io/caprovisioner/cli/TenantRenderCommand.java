package io.caprovisioner.cli;

import io.caprovisioner.config.Config;
import io.caprovisioner.repotools.CheckoutLayout;
import io.caprovisioner.repotools.CheckoutPaths;
import io.caprovisioner.repotools.CheckoutWriter;
import io.caprovisioner.repotools.OfflineToolConfig;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TenantYaml;
import io.caprovisioner.render.YamlTenantRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tenant render}: re-renders every tenant's manifest from its tenant.yaml, e.g. after editing spec.state. */
@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar tenant render"},
    name = "render", description = "Re-render application.yaml (or helmrelease.yaml) of every tenant from its "
    + "tenant.yaml. Run it after editing a tenant.yaml, then commit.")
final class TenantRenderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", defaultValue = ".", paramLabel = "DIR", description = "The clone (default: .).")
  Path repo;

  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Config config = OfflineToolConfig.load(env, repo);
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    CheckoutPaths paths = new CheckoutPaths(repo);
    CheckoutLayout.Scan scan = CheckoutLayout.scan(paths, renderer.manifestFileName());
    if (TenantCommand.refuseUnsafeCheckout(scan, err)) {
      return 1;
    }
    CheckoutWriter writer = new CheckoutWriter(paths);
    int failed = 0;
    int written = 0;
    for (CheckoutLayout.TenantFolder folder : scan.folders()) {
      String file = folder.file(CheckoutLayout.TENANT_FILE);
      if (!folder.files().contains(CheckoutLayout.TENANT_FILE)) {
        continue;
      }
      try {
        TenantDesired desired = TenantYaml.parse(paths.read(file, 256 * 1024), config.plans(), config);
        if (!folder.path().equals(desired.names().folder())) {
          err.println(file + ": metadata.name: " + desired.names().namespace() + " belongs in tenants/"
              + desired.names().shard() + "/" + desired.names().namespace() + "/; not rendered");
          failed++;
          continue;
        }
        for (String f : writer.write(renderer.render(desired), Set.of(renderer.manifestFileName()))) {
          out.println("rendered " + f);
          written++;
        }
      } catch (IOException | IllegalArgumentException e) {
        err.println(file + ": " + e.getMessage() + "; not rendered");
        failed++;
      }
    }
    out.println(written + " file(s) rendered, " + (scan.folders().size() - failed - written) + " unchanged"
        + (failed > 0 ? ", " + failed + " tenant(s) with errors" : ""));
    return failed == 0 ? 0 : 1;
  }
}
