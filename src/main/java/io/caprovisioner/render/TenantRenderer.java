package io.caprovisioner.render;

/** Pure: tenant desired state to manifests, byte-identical for the same input. */
public interface TenantRenderer {
  RenderedTenant render(TenantDesired desired);
}
