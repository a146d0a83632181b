package io.caprovisioner.k8s;

import io.caprovisioner.k8s.model.Redactor;
import io.caprovisioner.k8s.model.TenantSecrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** k8s.prepare against fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class K8sPrepareTest {
  static KubernetesClient client;
  private final TenantNames names = TenantNames.of("prep-one", "sites.example.org");

  @Test
  void secretsAreCreatedThenLeftAloneThenUpdatedOnlyWhenAValueChanges() {
    List<String> changes = new ArrayList<>();
    Secret desired = TenantSecrets.database(names, "mysql.internal", 3306, "passwordAAAAAAAAAAAA");
    K8sPrepareStep.ensureNamespace(client, names, changes);
    K8sPrepareStep.ensureSecret(client, desired, changes);
    assertThat(changes).containsExactly("created namespace tenant-prep-one", "created Secret ca-db");
    String version = client.secrets().inNamespace("tenant-prep-one").withName("ca-db").get().getMetadata()
        .getResourceVersion();

    changes.clear();
    K8sPrepareStep.ensureNamespace(client, names, changes);
    K8sPrepareStep.ensureSecret(client, TenantSecrets.database(names, "mysql.internal", 3306, "passwordAAAAAAAAAAAA"),
        changes);
    assertThat(changes).isEmpty();
    assertThat(client.secrets().inNamespace("tenant-prep-one").withName("ca-db").get().getMetadata()
        .getResourceVersion()).isEqualTo(version);

    K8sPrepareStep.ensureSecret(client, TenantSecrets.database(names, "mysql.internal", 3306, "passwordBBBBBBBBBBBB"),
        changes);
    assertThat(changes).containsExactly("updated Secret ca-db");
    assertThat(changes.toString()).doesNotContain("password");
    assertThat(TenantSecrets.values(client.secrets().inNamespace("tenant-prep-one").withName("ca-db").get()))
        .containsEntry("password", "passwordBBBBBBBBBBBB");
  }

  @Test
  void theNamespaceEnforcesPodSecurityRestrictedAndGetsTheQuotaOfItsPlan() {
    TenantNames hardened = TenantNames.of("prep-three", "sites.example.org");
    io.caprovisioner.tenant.Plan starter = io.caprovisioner.tenant.PlanCatalog.defaults().byName("starter").orElseThrow();
    io.caprovisioner.tenant.Plan pro = io.caprovisioner.tenant.PlanCatalog.defaults().byName("pro").orElseThrow();
    List<String> changes = new ArrayList<>();
    K8sPrepareStep.ensureNamespace(client, hardened, changes);
    assertThat(client.namespaces().withName("tenant-prep-three").get().getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("pod-security.kubernetes.io/warn", "restricted")
        .containsEntry("pod-security.kubernetes.io/audit", "restricted");

    K8sPrepareStep.ensureQuota(client, io.caprovisioner.k8s.model.TenantQuota.quota(hardened, starter),
        io.caprovisioner.k8s.model.TenantQuota.limits(hardened), changes);
    var quota = client.resourceQuotas().inNamespace("tenant-prep-three").withName("ca-tenant").get();
    // the site and its task-queue run at the plan's size, plus one maintenance Job (1 CPU, 1Gi)
    java.math.BigDecimal cpu = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
        new io.fabric8.kubernetes.api.model.Quantity(starter.resources().cpuLimit()));
    assertThat(io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(quota.getSpec().getHard().get("limits.cpu")))
        .isEqualByComparingTo(cpu.multiply(java.math.BigDecimal.valueOf(2)).add(java.math.BigDecimal.ONE));
    assertThat(quota.getSpec().getHard().get("requests.storage").toString()).isEqualTo(starter.storage());
    assertThat(client.limitRanges().inNamespace("tenant-prep-three").withName("ca-tenant").get().getSpec().getLimits()
        .get(0).getDefault()).containsKeys("cpu", "memory");
    assertThat(changes).last().asString().startsWith("created ResourceQuota and LimitRange ca-tenant");

    changes.clear();
    K8sPrepareStep.ensureQuota(client, io.caprovisioner.k8s.model.TenantQuota.quota(hardened, starter),
        io.caprovisioner.k8s.model.TenantQuota.limits(hardened), changes);
    assertThat(changes).isEmpty();
    // a plan change: the quota follows
    K8sPrepareStep.ensureQuota(client, io.caprovisioner.k8s.model.TenantQuota.quota(hardened, pro),
        io.caprovisioner.k8s.model.TenantQuota.limits(hardened), changes);
    assertThat(changes).singleElement().asString().startsWith("set ResourceQuota and LimitRange ca-tenant");
    assertThat(client.resourceQuotas().inNamespace("tenant-prep-three").withName("ca-tenant").get().getSpec().getHard()
        .get("requests.storage").toString()).isEqualTo(pro.storage());
  }

  @Test
  void aNamespaceArgoCdCreatedGetsOurLabelsAndKeepsItsOwn() {
    TenantNames other = TenantNames.of("prep-two", "sites.example.org");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("tenant-prep-two")
        .withLabels(Map.of("argocd.argoproj.io/managed-by", "argocd")).endMetadata().build()).create();
    List<String> changes = new ArrayList<>();
    K8sPrepareStep.ensureNamespace(client, other, changes);
    assertThat(changes).containsExactly("labelled namespace tenant-prep-two");
    assertThat(client.namespaces().withName("tenant-prep-two").get().getMetadata().getLabels())
        .containsEntry("argocd.argoproj.io/managed-by", "argocd")
        .containsEntry("caprovisioner.io/tenant", "prep-two")
        .containsEntry("app.kubernetes.io/managed-by", "ca-provisioner");
  }

  @Test
  void losingTheCreateRaceToArgoCdReReadsAndPatchesInsteadOfFailing() {
    // our read saw no namespace; before our create, Argo CD (CreateNamespace=true) made it: the API
    // server answers our create with a real 409
    String ns = "tenant-prep-race";
    Map<String, String> ours = Map.of("caprovisioner.io/tenant", "prep-race");
    var namespace = client.namespaces().withName(ns);
    boolean[] staleReadDone = {false};
    KubeApply.Result result = KubeApply.apply(() -> {
      if (!staleReadDone[0]) {
        staleReadDone[0] = true;
        return null;
      }
      return namespace.get();
    }, () -> {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
          .withLabels(Map.of("argocd.argoproj.io/managed-by", "argocd")).endMetadata().build()).create();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).withLabels(ours)
          .endMetadata().build()).create();
    }, live -> live.getMetadata().getLabels().entrySet().containsAll(ours.entrySet()),
        live -> namespace.edit(n -> {
          n.getMetadata().getLabels().putAll(ours);
          return n;
        }));

    assertThat(result).isEqualTo(KubeApply.Result.PATCHED);
    assertThat(namespace.get().getMetadata().getLabels()).containsEntry("caprovisioner.io/tenant", "prep-race")
        .containsEntry("argocd.argoproj.io/managed-by", "argocd");
  }

  @Test
  void anApplyWithNothingToChangeChangesNothingAndARemovalOfNothingIsAbsent() {
    var namespace = client.namespaces().withName("tenant-prep-none");
    assertThat(KubeApply.remove(namespace::get, live -> namespace.delete())).isEqualTo(KubeApply.Result.ABSENT);
    List<String> changes = new ArrayList<>();
    TenantNames three = TenantNames.of("prep-three", "sites.example.org");
    K8sPrepareStep.ensureNamespace(client, three, changes);
    var created = client.namespaces().withName("tenant-prep-three");
    String version = created.get().getMetadata().getResourceVersion();
    assertThat(KubeApply.apply(created::get, () -> {
      throw new AssertionError("must not create what exists");
    }, live -> true, live -> {
      throw new AssertionError("must not patch what is up to date");
    })).isEqualTo(KubeApply.Result.UNCHANGED);
    assertThat(created.get().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(KubeApply.remove(created::get, live -> created.delete())).isEqualTo(KubeApply.Result.DELETED);
  }

  @Test
  void installerLogTailsLoseTheirSecrets() {
    String log = "connecting as ca_x with secretPassw0rdXYZ\nreset-password --password=hunter2hunter2\nok";
    assertThat(Redactor.redact(log, List.of("secretPassw0rdXYZ")))
        .isEqualTo("connecting as ca_x with [redacted]\nreset-password --password=[redacted]\nok");
  }
}
