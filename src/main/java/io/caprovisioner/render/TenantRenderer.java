package io.caprovisioner.render;

import io.caprovisioner.tenant.TenantDesired;

/** Pure: tenant desired state to manifests, byte-identical for the same input. */
public interface TenantRenderer {
  RenderedTenant render(TenantDesired desired);
}
