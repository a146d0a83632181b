package io.caprovisioner.config;

import java.util.Locale;

/** GITOPS_FLAVOR: which controller deploys the tenants, and so which manifest the service writes. */
public enum GitopsFlavor {
  /** An Argo CD Application per tenant. */
  ARGOCD,
  /** A Flux HelmRelease per tenant. */
  FLUX;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static GitopsFlavor fromWire(String value) {
    for (GitopsFlavor f : values()) {
      if (f.wire().equals(value.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("GITOPS_FLAVOR must be argocd or flux, not '" + value + "'");
  }
}
