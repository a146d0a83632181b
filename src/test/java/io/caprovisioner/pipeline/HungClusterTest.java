package io.caprovisioner.pipeline;

import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.config.Config;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.tenant.TenantSource;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Kubernetes API that accepts connections and never answers (a socket that reads nothing: what
 * the fault audit saw from a wedged API server), with real PostgreSQL and MariaDB and the fake
 * gitops repository. Kubernetes cannot run here; fabric8 talks to that socket for real.
 */
class HungClusterTest {
  private final QueueFixture db = new QueueFixture();
  private final FakeGitops gitops = new FakeGitops();
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private ServerSocket hungApi;
  private KubernetesClient kube;
  private SharedMysql mysql;
  private JobRunner runner;

  @AfterEach
  void stop() throws IOException {
    if (runner != null) {
      await(runner.stop());
    }
    if (kube != null) {
      kube.close();
    }
    if (mysql != null) {
      mysql.close();
    }
    hungApi.close();
    for (Socket s : accepted) {
      s.close();
    }
    db.close();
  }

  @Test
  void withEveryClusterCallHangingOtherTenantsStillGetTheirGitCommits() throws IOException {
    hungApi = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          accepted.add(hungApi.accept()); // and never a byte back
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "hung-kubernetes-api");
    acceptor.setDaemon(true);
    acceptor.start();
    kube = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + hungApi.getLocalPort())
        .withRequestTimeout(120_000).withRequestRetryBackoffLimit(0).build()).build();
    Config.TenantMysql m = TestMariaDb.start();
    Config config = TestConfigs.config(Map.of("DB_HOST", m.host().get(), "DB_PORT", Integer.toString(m.port()),
        "DB_USER", m.user(), "DB_PASSWORD", m.password().get()));
    TenantLifecycle lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    mysql = new SharedMysql(db.vertx, config.mysql());
    int workers = 4;
    DependencySlots slots = DependencySlots.forWorkers(workers, Duration.ofMillis(200));
    runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(workers, "hung").withStopGrace(Duration.ofMillis(500)));
    var k8s = db.vertx.createSharedWorkerExecutor("hung-k8s", workers);
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        kube, k8s, mysql, TenantPipelineTest.FAST, StepObserver.NONE,
        TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, kube, k8s, mysql, TenantPipelineTest.PROBING),
        slots, TenantPlan.UpgradeSteps.NONE, GaveUpListener.NONE));
    await(runner.start());

    int tenants = 8;
    for (int i = 0; i < tenants; i++) {
      await(lifecycle.provision(new ProvisionRequest("curator" + i + "@museum.example", "starter",
          Optional.of("hung-" + i), TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), "test")));
    }

    // every tenant's desired state reaches git, though the first reconciles sit in calls that never return
    await().atMost(Duration.ofSeconds(60)).until(() -> gitops.commits.size() == tenants);
    // and the cluster calls did start, and hang (they may begin just after the last commit)
    await().atMost(Duration.ofSeconds(10)).until(() -> !accepted.isEmpty());
    assertThat(db.rows("SELECT id FROM tenants WHERE status = 'active'")).isEmpty();
    // at most the capped number of reconciles is inside a cluster or MySQL step; the others say why they wait
    await().atMost(Duration.ofSeconds(10)).until(() -> db.rows("SELECT id FROM tenants WHERE status_detail LIKE "
        + "'waiting at %: all " + slots.slots() + " slots for cluster and MySQL calls are busy%'").size()
        >= tenants - slots.slots() - 1);
    // a reconcile that just entered the step and found no slot free is still 'running' there for
    // a moment, on its way to waiting (and a waiting one looks again every 200 ms): the runs that
    // hold a slot are those still in the step, the same run (job and start), half a second later
    String inClusterStep = "SELECT id, started_at FROM jobs WHERE kind = 'tenant.reconcile' AND state = 'running' "
        + "AND step = 'k8s.prepare'";
    await().atMost(Duration.ofSeconds(10)).until(() -> db.rows(inClusterStep).size() <= slots.slots());
    java.util.Set<String> before = runs(inClusterStep);
    sleep(500);
    before.retainAll(runs(inClusterStep));
    assertThat(before.size()).isLessThanOrEqualTo(slots.slots());
  }

  private java.util.Set<String> runs(String sql) {
    java.util.Set<String> runs = new java.util.HashSet<>();
    db.rows(sql).forEach(r -> runs.add(r.getLong("id") + "@" + r.getValue("started_at")));
    return runs;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
