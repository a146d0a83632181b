package io.caprovisioner.repotools;

import io.caprovisioner.config.Config;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TenantYaml;
import io.caprovisioner.render.TenantYamlException;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.TenantSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pull-request check of a gitops repository checkout ({@code ca-provisioner validate}):
 * layout and links, YAML and schema, names and slug rules, folder = shard and namespace, no
 * duplicate namespace or domain, rendered files equal to what the renderer makes, no
 * secret-looking values, plans that exist, and (given the base branch) no hand-made change to a
 * Stripe-owned tenant.
 */
public final class RepositoryValidator {
  static final int MAX_FILE_BYTES = io.caprovisioner.render.TenantFileText.MAX_BYTES;

  private final Config config;
  private final YamlTenantRenderer renderer;
  private final TenantSchema schema = TenantSchema.bundled();

  public RepositoryValidator(Config config) {
    this.config = config;
    this.renderer = YamlTenantRenderer.fromConfig(config);
  }

  /** @param tenants how many tenant folders were checked */
  public record Result(int tenants, List<Problem> problems) {
    public boolean clean() {
      return problems.isEmpty();
    }
  }

  /**
   * @param base the branch the change goes into: only the folders its commits change are checked
   *             (the rest was checked when it was merged), unless it changes what every tenant
   *             renders to, and Stripe ownership with them; empty: the whole checkout, without
   *             Stripe ownership
   */
  public Result validate(Path checkout, Optional<BaseRevision> base) throws IOException {
    CheckoutPaths paths = new CheckoutPaths(checkout);
    CheckoutLayout.Scan scan = base.isPresent() && !base.get().wholeTree()
        ? CheckoutLayout.scanChanged(paths, renderer.manifestFileName(), base.get().changedPaths())
        : CheckoutLayout.scan(paths, renderer.manifestFileName());
    Optional<Map<String, String>> baseTenantFiles = base.map(BaseRevision::tenantFiles);
    List<Problem> problems = new ArrayList<>(scan.problems());
    if (!Files.exists(paths.root().resolve(CheckoutLayout.TENANTS), LinkOption.NOFOLLOW_LINKS)) {
      // "0 tenants checked" would pass a wrong folder, or a repository that lost its tenants/
      problems.add(Problem.of(CheckoutLayout.TENANTS + "/", "missing: this is not a gitops repository checkout; "
          + "pass the repository's folder, or create the skeleton with `ca-provisioner tenant init`"));
    }
    // A tenant that passes its own checks sits in the folder its namespace names, and its domain
    // derives from the same spec.id: the tree's paths are the index that keeps both unique, so the
    // changed folders need comparing only among themselves, never with a parse of the rest.
    Map<String, String> namespaces = new HashMap<>();
    Map<String, String> domains = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (CheckoutLayout.TenantFolder folder : scan.folders()) {
      String file = folder.file(CheckoutLayout.TENANT_FILE);
      seen.add(file);
      if (!folder.files().contains(CheckoutLayout.TENANT_FILE)) {
        if (problems.stream().noneMatch(p -> p.file().equals(file))) { // e.g. already refused as a link
          problems.add(Problem.of(file, "missing: every tenant folder needs its tenant.yaml"));
        }
        continue;
      }
      Optional<TenantDesired> desired = checkTenantFile(paths, folder, problems);
      if (desired.isEmpty()) {
        continue;
      }
      TenantDesired d = desired.get();
      String first = namespaces.putIfAbsent(d.names().namespace(), file);
      if (first != null) {
        problems.add(new Problem(file, "metadata.name", "duplicate tenant: " + d.names().namespace()
            + " is already defined in " + first));
      }
      String firstDomain = domains.putIfAbsent(d.names().domain(), file);
      if (firstDomain != null && first == null) {
        problems.add(new Problem(file, "spec.domain", "duplicate domain: " + d.names().domain()
            + " is already used by " + firstDomain));
      }
      checkRendered(paths, folder, d, problems);
      baseTenantFiles.ifPresent(files -> checkStripeOwnership(paths, file, d, files, problems));
    }
    baseTenantFiles.ifPresent(files -> files.forEach((path, text) -> {
      if (!seen.contains(path) && isStripeOwned(text)) {
        problems.add(Problem.of(path, "removed by hand, but this tenant is owned by Stripe: the removal is "
            + "not applied; cancel the subscription (or use the admin API) instead"));
      }
    }));
    return new Result(scan.folders().size(), problems);
  }

  /** Secrets, schema, the parser's stricter rules, folder names; the desired state when all pass. */
  private Optional<TenantDesired> checkTenantFile(CheckoutPaths paths, CheckoutLayout.TenantFolder folder,
      List<Problem> problems) {
    String file = folder.file(CheckoutLayout.TENANT_FILE);
    String text;
    try {
      text = paths.read(file, MAX_FILE_BYTES);
    } catch (IOException | IllegalArgumentException e) {
      problems.add(Problem.of(file, e.getMessage()));
      return Optional.empty();
    }
    SecretScanner.scan(text, SecretScanner.Scope.HAND_WRITTEN).forEach(m -> problems.add(Problem.of(file, m)));
    List<Problem> schemaProblems = schema.check(file, text);
    problems.addAll(schemaProblems);
    TenantDesired desired;
    try {
      desired = TenantYaml.parse(text, config.plans(), config);
    } catch (TenantYamlException e) {
      // the schema may have said the same about the same field already
      if (schemaProblems.stream().noneMatch(p -> p.field().equals(e.field()))) {
        String message = e.field().isEmpty() ? e.getMessage() : e.getMessage().substring(e.field().length() + 2);
        problems.add(new Problem(file, e.field(), message));
      }
      return Optional.empty();
    }
    boolean ok = schemaProblems.isEmpty();
    if (!folder.namespace().equals(desired.names().namespace())) {
      problems.add(new Problem(file, "metadata.name", "is " + desired.names().namespace() + " but the folder is "
          + folder.namespace() + "; the folder must be named after the namespace"));
      ok = false;
    }
    if (!folder.shard().equals(desired.names().shard())) {
      problems.add(new Problem(file, "metadata.name", "belongs in shard folder tenants/" + desired.names().shard()
          + "/ (first two hex characters of sha256 of the namespace), not tenants/" + folder.shard() + "/"));
      ok = false;
    }
    return ok ? Optional.of(desired) : Optional.empty();
  }

  private void checkRendered(CheckoutPaths paths, CheckoutLayout.TenantFolder folder, TenantDesired desired,
      List<Problem> problems) {
    String name = renderer.manifestFileName();
    String file = folder.file(name);
    RenderedTenant rendered;
    try {
      rendered = renderer.render(desired);
    } catch (RuntimeException e) {
      problems.add(Problem.of(folder.file(CheckoutLayout.TENANT_FILE), "cannot be rendered: " + e.getMessage()));
      return;
    }
    if (!folder.files().contains(name)) {
      problems.add(Problem.of(file, "missing: run `ca-provisioner tenant render` and commit it"));
      return;
    }
    String actual;
    try {
      actual = paths.read(file, MAX_FILE_BYTES);
    } catch (IOException | IllegalArgumentException e) {
      problems.add(Problem.of(file, e.getMessage()));
      return;
    }
    SecretScanner.scan(actual, SecretScanner.Scope.RENDERED).forEach(m -> problems.add(Problem.of(file, m)));
    String expected = rendered.files().get(name);
    if (!expected.equals(actual)) {
      problems.add(Problem.of(file, "does not match what its tenant.yaml renders to (" + firstDifference(expected,
          actual) + "); it is generated, do not edit it by hand: run `ca-provisioner tenant render`"));
    }
  }

  private static void checkStripeOwnership(CheckoutPaths paths, String file, TenantDesired desired,
      Map<String, String> base, List<Problem> problems) {
    if (desired.source() != TenantSource.STRIPE) {
      if (base.containsKey(file) && isStripeOwned(base.get(file))) {
        problems.add(new Problem(file, "spec.source", "this tenant is owned by Stripe; it cannot be turned into a "
            + "manual tenant by hand"));
      }
      return;
    }
    String before = base.get(file);
    if (before == null) {
      problems.add(new Problem(file, "spec.source", "a new source: stripe tenant cannot be added by hand; only the "
          + "service creates Stripe tenants (staff add source: manual tenants with `ca-provisioner tenant new`)"));
      return;
    }
    try {
      if (!before.equals(paths.read(file, MAX_FILE_BYTES))) {
        problems.add(Problem.of(file, "a Stripe-owned tenant was edited by hand; such changes are not applied "
            + "(change the subscription in Stripe, or use the admin API)"));
      }
    } catch (IOException e) {
      problems.add(Problem.of(file, e.getMessage()));
    }
  }

  /** {@code spec.source: stripe}, read leniently (the base branch's file was valid when it was merged). */
  static boolean isStripeOwned(String tenantYaml) {
    try {
      Object doc = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder()
          .setMaxAliasesForCollections(0).build()).loadFromString(tenantYaml);
      return doc instanceof Map<?, ?> root && root.get("spec") instanceof Map<?, ?> spec
          && "stripe".equals(spec.get("source"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String firstDifference(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    for (int i = 0; i < Math.max(e.length, a.length); i++) {
      // the line number only: the line itself could hold something that must not reach CI logs
      if (i >= e.length || i >= a.length || !e[i].equals(a[i])) {
        return "first difference at line " + (i + 1);
      }
    }
    return "they differ";
  }
}
