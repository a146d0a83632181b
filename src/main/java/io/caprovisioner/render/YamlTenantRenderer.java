package io.caprovisioner.render;

import io.caprovisioner.tenant.TenantDesired;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.GitopsFlavor;
import io.caprovisioner.tenant.TenantSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Renders a tenant's folder from the templates: tenant.yaml plus application.yaml (Argo CD) or
 * helmrelease.yaml (Flux). Pure and deterministic: the same desired state and configuration give
 * byte-identical files, which is what makes a repeated write a no-op commit.
 */
public final class YamlTenantRenderer implements TenantRenderer {
  /** The kinds whose live object {@code argocd.await} compares by {@link RenderedTenant#SPEC_HASH_ANNOTATION}. */
  private static final List<String> HASHED_KINDS = List.of("Application", "HelmRelease");

  private final Config config;
  private final GitopsTemplates templates;
  private final boolean flux;

  public YamlTenantRenderer(Config config, GitopsTemplates templates) {
    this.config = config;
    this.templates = templates;
    this.flux = config.gitops().flavor() == GitopsFlavor.FLUX;
    ImageReference.parse(config.tenants().image()); // a bad image is a start-up error, not a failed job
  }

  /** With the templates from GITOPS_TEMPLATE_DIR, or the jar's. */
  public static YamlTenantRenderer fromConfig(Config config) {
    return new YamlTenantRenderer(config, GitopsTemplates.load(TemplateSource.of(config.gitops())));
  }

  /** The file Argo CD or Flux applies: {@code application.yaml} or {@code helmrelease.yaml}. */
  public String manifestFileName() {
    return flux ? GitopsTemplates.HELMRELEASE : GitopsTemplates.APPLICATION;
  }

  @Override
  public RenderedTenant render(TenantDesired desired) {
    if (desired.source() != TenantSource.MANUAL && desired.adminEmail().isPresent()) {
      // history cannot be erased: refuse rather than let a customer's email into git
      throw new IllegalArgumentException(desired.names().namespace()
          + ": only manual tenants may carry an admin email in git");
    }
    TemplateValues base = TemplateValues.of(desired, config);
    Node chartValues = templates.values.render(base).get(0);
    TemplateValues values = base.with(TemplateValues.VALUES, chartValues);

    NodeTemplate manifestTemplate = flux ? templates.helmRelease : templates.application;
    List<Node> manifest = manifestTemplate.render(values);
    String specHash = sha256(YamlText.dump(manifest));
    int annotated = 0;
    for (Node document : manifest) {
      if (HASHED_KINDS.contains(kindOf(document).orElse(""))) {
        annotate((MappingNode) document, RenderedTenant.SPEC_HASH_ANNOTATION, specHash);
        annotated++;
      }
    }
    if (annotated != 1) {
      throw new GitopsTemplateException(manifestTemplate.name() + " must hold exactly one "
          + (flux ? "HelmRelease" : "Application") + ", found " + annotated);
    }

    SortedMap<String, String> files = new TreeMap<>();
    files.put(GitopsTemplates.TENANT, YamlText.dump(templates.tenant.render(values)));
    files.put(manifestTemplate.name(), YamlText.dump(manifest));
    String directory = desired.names().folder();
    return new RenderedTenant(directory, files, specHash);
  }

  private static Optional<String> kindOf(Node document) {
    return entry(document, "kind").filter(ScalarNode.class::isInstance).map(n -> ((ScalarNode) n).getValue());
  }

  private static Optional<Node> entry(Node mapping, String key) {
    if (!(mapping instanceof MappingNode m)) {
      return Optional.empty();
    }
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return Optional.of(t.getValueNode());
      }
    }
    return Optional.empty();
  }

  private static void annotate(MappingNode document, String key, String value) {
    MappingNode metadata = (MappingNode) entry(document, "metadata").filter(MappingNode.class::isInstance)
        .orElseThrow(() -> new GitopsTemplateException("a manifest has no metadata mapping"));
    MappingNode annotations = (MappingNode) entry(metadata, "annotations").orElseGet(() -> {
      MappingNode created = new MappingNode(Tag.MAP, new java.util.ArrayList<>(), FlowStyle.BLOCK);
      metadata.getValue().add(new NodeTuple(str("annotations"), created));
      return created;
    });
    annotations.getValue().add(new NodeTuple(str(key), str(value)));
  }

  private static ScalarNode str(String value) {
    return new ScalarNode(Tag.STR, value, Yaml11Scalars.styleFor(value, ScalarStyle.PLAIN));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
