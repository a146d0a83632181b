package io.caprovisioner.render;

import java.util.HashSet;
import java.util.Set;

/**
 * The per-tenant templates, parsed and checked once (an unknown placeholder is an error at
 * start-up, naming the file and line, not a broken manifest later).
 */
public final class GitopsTemplates {
  public static final String TENANT = "tenant.yaml";
  public static final String APPLICATION = "application.yaml";
  public static final String HELMRELEASE = "helmrelease.yaml";
  public static final String VALUES = "values.yaml";

  final NodeTemplate tenant;
  final NodeTemplate application;
  final NodeTemplate helmRelease;
  final NodeTemplate values;

  private GitopsTemplates(TemplateSource source) {
    Set<String> manifests = new HashSet<>(TemplateValues.NAMES);
    // personal data goes nowhere but tenant.yaml
    manifests.remove(TemplateValues.ADMIN_EMAIL);
    Set<String> chartValues = new HashSet<>(manifests);
    chartValues.remove(TemplateValues.VALUES);
    Set<String> tenantFile = new HashSet<>(TemplateValues.NAMES);
    tenantFile.remove(TemplateValues.VALUES);

    this.tenant = new NodeTemplate(TENANT, source.read(TENANT), tenantFile);
    this.application = new NodeTemplate(APPLICATION, source.read(APPLICATION), manifests);
    this.helmRelease = new NodeTemplate(HELMRELEASE, source.read(HELMRELEASE), manifests);
    this.values = new NodeTemplate(VALUES, source.read(VALUES), chartValues);
    if (values.documentCount() != 1) {
      throw new GitopsTemplateException(VALUES + " must hold exactly one YAML document");
    }
  }

  public static GitopsTemplates load(TemplateSource source) {
    return new GitopsTemplates(source);
  }
}
