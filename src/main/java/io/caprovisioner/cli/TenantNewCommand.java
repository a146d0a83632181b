package io.caprovisioner.cli;

import io.caprovisioner.config.Config;
import io.caprovisioner.repotools.CheckoutLayout;
import io.caprovisioner.repotools.CheckoutPaths;
import io.caprovisioner.repotools.CheckoutWriter;
import io.caprovisioner.repotools.OfflineToolConfig;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TenantYaml;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tenant new}: writes a manual tenant's tenant.yaml and rendered manifest into the right
 * shard folder of a clone, with the renderer the service uses. No database, no secrets.
 */
@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar tenant new --name city-museum --plan pro --admin-email registrar@city-museum.org"},
    name = "new", description = "Add a manual tenant: writes tenants/<shard>/tenant-<name>/tenant.yaml and "
    + "its rendered application.yaml (or helmrelease.yaml). Commit both and open a pull request.")
final class TenantNewCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--name", required = true, description = "The tenant's slug: ^[a-z][a-z0-9-]{2,30}$; the "
      + "namespace is tenant-<name>.")
  String name;

  @Option(names = "--plan", required = true, description = "A plan of the catalogue (PLANS_FILE).")
  String plan;

  @Option(names = "--admin-email", required = true, description = "The staff-chosen admin contact "
      + "(stored in tenant.yaml; never a customer's personal address).")
  String adminEmail;

  @Option(names = "--domain", description = "Must equal tenant-<name>.<BASE_DOMAIN> (the domain derives from the "
      + "name); given to double-check it.")
  String domain;

  @Option(names = "--chart-version", description = "Pin the tenant chart version (default: HELM_CHART_VERSION).")
  String chartVersion;

  @Option(names = "--repo", defaultValue = ".", description = "The clone of the gitops repository (default: .).")
  Path repo;

  /** The environment the configuration is read from; tests give their own. */
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Config config = OfflineToolConfig.load(env, repo);
    CheckoutPaths paths = new CheckoutPaths(repo);
    if (!Files.isDirectory(paths.root().resolve(CheckoutLayout.TENANTS))) {
      err.println(paths.root() + ": no tenants/ folder here; run this in a clone of the gitops repository (or pass "
          + "--repo), and for a new, empty repository run `ca-provisioner tenant init` first");
      return 1;
    }
    TenantDesired desired;
    try {
      desired = desired(config);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    if (TenantCommand.refuseUnsafeCheckout(CheckoutLayout.scan(paths, renderer.manifestFileName()), err)) {
      return 1;
    }
    RenderedTenant rendered = renderer.render(desired);
    Path folder;
    try {
      folder = paths.resolve(rendered.directory());
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    if (Files.exists(folder)) {
      err.println("error: " + rendered.directory() + " already exists: a tenant named " + desired.names().namespace()
          + " is already in this repository");
      return 1;
    }
    List<String> written = new CheckoutWriter(paths).write(rendered, rendered.files().keySet());
    written.forEach(f -> out.println("wrote " + f));
    out.println("next: git add " + rendered.directory() + " && git commit -m 'Add " + desired.names().namespace()
        + "' && git push, then open a pull request (CI runs `ca-provisioner validate .`)");
    return 0;
  }

  /** Built as tenant.yaml text and parsed back, so every rule of the parser applies to the options too. */
  private TenantDesired desired(Config config) {
    TenantNames names = TenantNames.of(name, config.tenants().baseDomain());
    if (domain != null && !domain.equals(names.domain())) {
      throw new IllegalArgumentException("--domain " + domain + " is not " + names.domain()
          + ": the domain derives from --name and BASE_DOMAIN (" + config.tenants().baseDomain() + ")");
    }
    if (config.plans().byName(plan).isEmpty()) {
      throw new IllegalArgumentException("unknown plan '" + plan + "' (plans: " + String.join(", ",
          config.plans().names()) + "; set PLANS_FILE as the service does)");
    }
    TenantDesired candidate = new TenantDesired(names, config.plans().byName(plan).get(), TenantState.ACTIVE,
        TenantSource.MANUAL, Optional.ofNullable(chartVersion), Optional.empty(), Optional.of(adminEmail));
    String text = YamlTenantRenderer.fromConfig(config).render(candidate).files().get(CheckoutLayout.TENANT_FILE);
    return TenantYaml.parse(text, config.plans(), config);
  }
}
