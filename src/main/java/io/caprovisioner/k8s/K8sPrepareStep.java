package io.caprovisioner.k8s;

import io.caprovisioner.k8s.model.TenantLabels;
import io.caprovisioner.k8s.model.TenantQuota;
import io.caprovisioner.k8s.model.TenantSecrets;
import io.caprovisioner.tenant.Plan;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ResourceQuota;

import io.caprovisioner.config.Config;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.TenantCredentials;
import io.caprovisioner.pipeline.DependencyBreaker;
import io.caprovisioner.pipeline.GuardedStep;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code k8s.prepare}: the tenant namespace (if Argo CD has not made it yet) with our labels, and
 * the Secrets {@code ca-db} and {@code ca-admin}, each created when absent and replaced only when
 * its values differ. Messages name what changed, never a value.
 */
public final class K8sPrepareStep extends GuardedStep {
  public static final String NAME = "k8s.prepare";
  private final Kube kube;
  private final TenantCredentials credentials;
  private final Config.TenantMysql mysql;

  /** @param mysqlBreaker the shared MySQL's: without DB_HOST there is no address for Secret ca-db */
  public K8sPrepareStep(Kube kube, TenantCredentials credentials, Config.TenantMysql mysql,
      DependencyBreaker mysqlBreaker) {
    super(mysqlBreaker);
    this.kube = kube;
    this.credentials = credentials;
    this.mysql = mysql;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The Secrets carry the database's address, the quota the plan's resources: a new one is a new target. */
  @Override
  public String target(ReconcileContext work) {
    return work.tenant().names().namespace() + "@" + mysql.host().orElse("") + ":" + mysql.port() + " quota "
        + TenantQuota.quota(work.tenant().names(), work.plan()).getSpec().getHard();
  }

  @Override
  public Future<Outcome> run(ReconcileContext work, OffsetDateTime startedAt) {
    if (mysql.host().isEmpty()) {
      return notConfigured("DB_HOST is not set: no database address for Secret ca-db");
    }
    TenantNames names = work.tenant().names();
    Plan plan = work.plan();
    long id = work.tenant().id();
    return credentials.databasePassword(work.pool(), id)
        .compose(dbPassword -> credentials.adminPassword(work.pool(), id)
            .compose(adminPassword -> credentials.email(work.pool(), id).map(email -> List.of(
                TenantSecrets.database(names, mysql.host().get(), mysql.port(), dbPassword),
                // a manual tenant may have no customer: the site's own address stands in
                TenantSecrets.admin(names, adminPassword, email.orElse("administrator@" + names.domain()))))))
        .compose(secrets -> kube.step(() -> {
          List<String> changes = new ArrayList<>();
          ensureNamespace(kube.client(), names, changes);
          ensureQuota(kube.client(), TenantQuota.quota(names, plan), TenantQuota.limits(names), changes);
          for (Secret s : secrets) {
            ensureSecret(kube.client(), s, changes);
          }
          return Outcome.done(changes.isEmpty() ? "namespace and Secrets already as desired"
              : String.join("; ", changes));
        }));
  }

  static void ensureNamespace(KubernetesClient client, TenantNames names, List<String> changes) {
    Map<String, String> labels = TenantLabels.namespace(names);
    var namespace = client.namespaces().withName(names.namespace());
    KubeApply.Result result = KubeApply.apply(namespace::get,
        () -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(names.namespace())
            .withLabels(labels).endMetadata().build()).create(),
        live -> missingLabels(live, labels).isEmpty(),
        // a JSON merge patch touches only our labels; Argo CD's stay
        live -> namespace.patch(PatchContext.of(PatchType.JSON_MERGE), new JsonObject().put("metadata",
            new JsonObject().put("labels", new JsonObject(new HashMap<>(missingLabels(live, labels))))).encode()));
    if (result == KubeApply.Result.CREATED) {
      changes.add("created namespace " + names.namespace());
    } else if (result == KubeApply.Result.PATCHED) {
      changes.add("labelled namespace " + names.namespace());
    }
  }

  /** The ResourceQuota and LimitRange of the plan: created when absent, their spec replaced when it differs. */
  static void ensureQuota(KubernetesClient client, ResourceQuota quota, LimitRange limits, List<String> changes) {
    String ns = quota.getMetadata().getNamespace();
    var q = client.resourceQuotas().inNamespace(ns).withName(quota.getMetadata().getName());
    KubeApply.Result qr = KubeApply.apply(q::get, () -> client.resourceQuotas().inNamespace(ns).resource(quota).create(),
        live -> live.getSpec() != null && quota.getSpec().getHard().equals(live.getSpec().getHard()),
        live -> q.edit(l -> {
          l.setSpec(quota.getSpec());
          return l;
        }));
    var l = client.limitRanges().inNamespace(ns).withName(limits.getMetadata().getName());
    KubeApply.Result lr = KubeApply.apply(l::get, () -> client.limitRanges().inNamespace(ns).resource(limits).create(),
        live -> limits.getSpec().equals(live.getSpec()),
        live -> l.edit(x -> {
          x.setSpec(limits.getSpec());
          return x;
        }));
    if (qr != KubeApply.Result.UNCHANGED || lr != KubeApply.Result.UNCHANGED) {
      changes.add((qr == KubeApply.Result.CREATED ? "created" : "set") + " ResourceQuota and LimitRange "
          + TenantQuota.NAME + " " + quota.getSpec().getHard().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(",")));
    }
  }

  private static Map<String, String> missingLabels(Namespace live, Map<String, String> labels) {
    Map<String, String> have = live.getMetadata().getLabels() == null ? Map.of() : live.getMetadata().getLabels();
    Map<String, String> missing = new HashMap<>();
    labels.forEach((k, v) -> {
      if (!v.equals(have.get(k))) {
        missing.put(k, v);
      }
    });
    return missing;
  }

  /** The Secret created when absent and replaced only when its values differ; {@code changes} says which. */
  public static void ensureSecret(KubernetesClient client, Secret desired, List<String> changes) {
    String ns = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    var secret = client.secrets().inNamespace(ns).withName(name);
    KubeApply.Result result = KubeApply.apply(secret::get,
        () -> client.secrets().inNamespace(ns).resource(desired).create(),
        live -> TenantSecrets.values(live).equals(TenantSecrets.values(desired)),
        live -> secret.edit(s -> {
          s.setData(desired.getData());
          s.setStringData(null);
          return s;
        }));
    if (result == KubeApply.Result.CREATED) {
      changes.add("created Secret " + name);
    } else if (result == KubeApply.Result.PATCHED) {
      changes.add("updated Secret " + name);
    }
  }
}
