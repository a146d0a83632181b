package io.caprovisioner.tenant;

import static io.caprovisioner.tenant.TenantStatus.ACTIVE;
import static io.caprovisioner.tenant.TenantStatus.DELETED;
import static io.caprovisioner.tenant.TenantStatus.DELETING;
import static io.caprovisioner.tenant.TenantStatus.FAILED;
import static io.caprovisioner.tenant.TenantStatus.PENDING;
import static io.caprovisioner.tenant.TenantStatus.PROVISIONING;
import static io.caprovisioner.tenant.TenantStatus.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantStatusTest {
  @Test
  void theDesignedLifecycleIsAllowed() {
    assertThat(PENDING.moveTo(PROVISIONING).moveTo(ACTIVE).moveTo(SUSPENDED).moveTo(ACTIVE).moveTo(SUSPENDED)
        .moveTo(DELETING).moveTo(DELETED)).isEqualTo(DELETED);
    assertThat(PROVISIONING.canMoveTo(FAILED)).isTrue();
    assertThat(FAILED.canMoveTo(PROVISIONING)).as("retry").isTrue();
    assertThat(DELETING.canMoveTo(PROVISIONING)).as("resume within retention").isTrue();
  }

  @Test
  void illegalTransitionsAreRefused() {
    assertThat(DELETED.canMoveTo(ACTIVE)).isFalse();
    assertThat(ACTIVE.canMoveTo(DELETING)).as("must be suspended first").isFalse();
    assertThat(PENDING.canMoveTo(ACTIVE)).as("active only after every step ran").isFalse();
    assertThat(FAILED.canMoveTo(ACTIVE)).isFalse();
    assertThat(ACTIVE.canMoveTo(ACTIVE)).isFalse();
    for (TenantStatus s : TenantStatus.values()) {
      assertThat(DELETED.canMoveTo(s)).isFalse();
    }
    assertThatThrownBy(() -> DELETED.moveTo(ACTIVE)).isInstanceOf(IllegalTransitionException.class)
        .hasMessage("a tenant that is deleted cannot become active");
  }

  @Test
  void wireNamesRoundTrip() {
    for (TenantStatus s : TenantStatus.values()) {
      assertThat(TenantStatus.fromWire(s.wire())).isEqualTo(s);
    }
  }
}
