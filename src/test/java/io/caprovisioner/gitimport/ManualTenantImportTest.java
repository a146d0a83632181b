package io.caprovisioner.gitimport;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole flow with real repositories, the real git CLI and the real command line. */
class ManualTenantImportTest {
  @TempDir
  Path tmp;
  ImportFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void aMergedPullRequestIsImportedOnceAndTheServicesOwnPushesLandOnTopOfIt() throws Exception {
    f = new ImportFixture(tmp).start(Map.of());

    // the staff member: a branch, tenant new, validate, merge, push
    git(f.clone, "checkout", "-q", "-b", "add-city-museum");
    f.tenantNew("city-museum", "pro", "registrar@city-museum.org");
    assertThat(f.validate()).isZero();
    git(f.clone, "add", "-A");
    git(f.clone, "commit", "-q", "-m", "Add the city museum");
    git(f.clone, "checkout", "-q", "main");
    git(f.clone, "merge", "-q", "--no-ff", "-m", "Merge pull request #1 from add-city-museum", "add-city-museum");
    git(f.clone, "push", "-q", "origin", "main");
    String merge = f.remoteTip().orElseThrow();

    JsonObject tenant = f.awaitTenant("city-museum");
    long id = tenant.getLong("id");
    assertThat(tenant.getString("source")).isEqualTo("manual");
    assertThat(tenant.getString("name")).isEqualTo("city-museum");
    assertThat(tenant.getString("plan")).isEqualTo("pro");
    f.awaitImportOf(merge);
    assertThat(f.intentKinds(id)).containsExactly("provision");
    assertThat(f.logMessages(id)).anyMatch(m -> m.contains("provision requested by git-import@"));

    // another replica of the service re-renders the tenant from PostgreSQL: the contact stays, so no commit
    Vertx vertx = Vertx.vertx();
    Config replica = ConfigLoader.load(TestService.env(f.db, tmp.resolve("replica"), f.serviceEnv(Map.of())));
    Pool pool = Database.pool(vertx, f.db, 2);
    try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, replica, YamlTenantRenderer.fromConfig(replica))) {
      TenantDesired stored = result(new TenantRepository().desiredState(pool, id, replica.plans())).orElseThrow();
      assertThat(stored.adminEmail()).contains("registrar@city-museum.org");
      GitChange provision = new GitChange(GitAction.PROVISION, Optional.empty(), "job-runner");
      assertThat(result(writer.write(stored, provision))).isEmpty();

      // an operator suspends it; the job's commit lands on top of the human merge
      assertThat(f.http.post("/admin/tenants/" + id + "/suspend", null).status()).isEqualTo(200);
      TenantDesired suspended = result(new TenantRepository().desiredState(pool, id, replica.plans())).orElseThrow();
      String sha = result(writer.write(suspended, new GitChange(GitAction.SUSPEND, Optional.empty(), "admin-api")))
          .orElseThrow();
      assertThat(git(f.remote, "rev-parse", sha + "^").trim()).isEqualTo(merge);
      String file = git(f.remote, "show", "main:" + f.folder("city-museum") + "/tenant.yaml");
      assertThat(file).contains("state: suspended").contains("adminEmail: registrar@city-museum.org");

      // its own commit is imported as a no-op: no job, no log line, same status, then nothing more
      f.awaitImportOf(sha);
      Thread.sleep(2_500);
      assertThat(f.intentKinds(id)).containsExactlyInAnyOrder("provision", "suspend");
      assertThat(f.logMessages(id)).noneMatch(m -> m.startsWith("git.import"));
      assertThat(f.tenant("city-museum").get().getString("status")).isEqualTo("suspended");
      assertThat(f.http.get("/tenants").array()).hasSize(1);
    } finally {
      pool.close();
      vertx.close();
    }
  }

  @Test
  void changingStateSuspendsAndRemovingTheFolderDeletes() throws Exception {
    f = new ImportFixture(tmp).start(Map.of());
    f.tenantNew("state-archive", "starter", "archivist@example.org");
    f.tenantNew("city-museum", "pro", "registrar@city-museum.org");
    f.commitAndPush("Add the state archive and the city museum");
    long id = f.awaitTenant("state-archive").getLong("id");

    Path tenantYaml = f.clone.resolve(f.folder("state-archive")).resolve("tenant.yaml");
    Files.writeString(tenantYaml, Files.readString(tenantYaml).replace("state: active", "state: suspended")
        .replace("plan: starter", "plan: museum"));
    assertThat(io.caprovisioner.cli.Main.run("tenant", "render", f.clone.toString())).isZero();
    assertThat(f.validate()).isZero();
    f.commitAndPush("Suspend the state archive, move it to museum");
    await().atMost(Duration.ofSeconds(20)).until(() -> f.tenant("state-archive").get().getString("status")
        .equals("suspended"));
    assertThat(f.tenant("state-archive").get().getString("plan")).isEqualTo("museum");
    assertThat(f.intentKinds(id))
        .containsExactlyInAnyOrder("provision", "plan-change", "suspend");

    git(f.clone, "rm", "-q", "-r", f.folder("state-archive"));
    f.commitAndPush("Remove the state archive");
    await().atMost(Duration.ofSeconds(20)).until(() -> f.tenant("state-archive").get().getString("status")
        .equals("deleting"));
    assertThat(f.intentKinds(id)).contains("delete").hasSize(4);
    assertThat(f.tenant("city-museum").get().getString("status")).isEqualTo("pending");

    // the last tenant going away looks like an accident: it waits for an operator
    git(f.clone, "rm", "-q", "-r", f.folder("city-museum"));
    f.commitAndPush("Remove the city museum");
    f.awaitImportOf(f.remoteTip().orElseThrow());
    assertThat(f.tenant("city-museum").get().getString("status")).isEqualTo("pending");
    assertThat(f.http.get("/admin/gitops/pending-deletions").object().getJsonArray("pending")).hasSize(1);

    // without GIT_WEBHOOK_TOKEN the webhook does not exist
    TestHttp404.assertNotConfigured(f);
  }

  @Test
  void anUnreachableRemoteAndAForcePushedEmptyBranchDeleteNothing() throws Exception {
    f = new ImportFixture(tmp).start(Map.of());
    f.tenantNew("city-museum", "pro", "registrar@city-museum.org");
    f.commitAndPush("Add the city museum");
    long id = f.awaitTenant("city-museum").getLong("id");
    f.awaitImportOf(f.remoteTip().orElseThrow());

    Path moved = tmp.resolve("moved.git");
    Files.move(f.remote, moved);
    await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(f.importState().getString("last_error"))
        .startsWith("fetch failed, nothing imported"));
    assertThat(f.tenant("city-museum").get().getString("status")).isEqualTo("pending");
    Files.move(moved, f.remote);

    git(f.clone, "checkout", "-q", "--orphan", "empty");
    git(f.clone, "rm", "-q", "-r", "-f", ".");
    Files.writeString(f.clone.resolve("README.md"), "oops\n");
    git(f.clone, "add", "README.md");
    git(f.clone, "commit", "-q", "-m", "Start over");
    git(f.clone, "push", "-q", "-f", "origin", "empty:main");
    f.awaitImportOf(f.remoteTip().orElseThrow());

    assertThat(f.importState().getString("last_error")).isNull();
    assertThat(f.tenant("city-museum").get().getString("status")).isEqualTo("pending");
    assertThat(f.intentKinds(id)).containsExactly("provision");
    assertThat(f.http.get("/admin/gitops/pending-deletions").object().getJsonArray("pending")).isEmpty();
  }

  @Test
  void aMassRemovalWaitsForAnOperatorsConfirmation() throws Exception {
    f = new ImportFixture(tmp).start(Map.of());
    for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d", "museum-e"}) {
      f.tenantNew(name, "starter", "staff@example.org");
    }
    f.commitAndPush("Add five museums");
    for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d", "museum-e"}) {
      f.awaitTenant(name);
    }

    for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d"}) {
      git(f.clone, "rm", "-q", "-r", f.folder(name));
    }
    f.commitAndPush("Remove four museums");
    f.awaitImportOf(f.remoteTip().orElseThrow());

    JsonObject pending = f.http.get("/admin/gitops/pending-deletions").object();
    assertThat(pending.getInteger("max_deletions")).isEqualTo(3);
    assertThat(pending.getJsonArray("pending").stream().map(p -> ((JsonObject) p).getString("namespace")))
        .containsExactly("tenant-museum-a", "tenant-museum-b", "tenant-museum-c", "tenant-museum-d");
    assertThat(f.tenant("museum-a").get().getString("status")).isEqualTo("pending");
    assertThat(f.logMessages(f.tenant("museum-a").get().getLong("id")))
        .anyMatch(m -> m.contains("waits for an operator's confirmation"));
    assertThat(f.http.send("POST", "/admin/gitops/pending-deletions/confirm", null, null).status()).isEqualTo(401);

    JsonObject confirmed = f.http.post("/admin/gitops/pending-deletions/confirm", null).object();

    assertThat(confirmed.getJsonArray("deleted")).hasSize(4);
    for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d"}) {
      assertThat(f.tenant(name).get().getString("status")).isEqualTo("deleting");
    }
    assertThat(f.tenant("museum-e").get().getString("status")).isEqualTo("pending");
    assertThat(f.http.get("/admin/gitops/pending-deletions").object().getJsonArray("pending")).isEmpty();
  }

  /**
   * The lock is held (by a scheduled poll or another replica) while a folder is restored in Git: the
   * confirmation must neither skip its re-check nor delete without the lock; it waits, then answers
   * 409 and deletes nothing. Once the lock is free, the restored tenant is no longer deleted.
   */
  @Test
  void aConfirmationWhileAnotherImportHoldsTheLockDeletesNothing() throws Exception {
    f = new ImportFixture(tmp).start(Map.of());
    for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d", "museum-e"}) {
      f.tenantNew(name, "starter", "staff@example.org");
    }
    f.commitAndPush("Add five museums");
    for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d", "museum-e"}) {
      f.awaitTenant(name);
    }
    for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d"}) {
      git(f.clone, "rm", "-q", "-r", f.folder(name));
    }
    f.commitAndPush("Remove four museums");
    f.awaitImportOf(f.remoteTip().orElseThrow());
    assertThat(f.http.get("/admin/gitops/pending-deletions").object().getJsonArray("pending")).hasSize(4);

    try (java.sql.Connection other = io.caprovisioner.testing.TestPostgres.server()
        .getDatabase("postgres", f.db.database()).getConnection();
        java.sql.Statement sql = other.createStatement()) {
      // another import holds the lock (its own session) ...
      sql.execute("SELECT pg_advisory_lock(" + GitImporter.LOCK_KEY + ")");
      // ... while staff restore museum-a: no import can see it yet
      git(f.clone, "checkout", "-q", "HEAD~1", "--", f.folder("museum-a"));
      f.commitAndPush("Keep museum-a after all");

      long start = System.nanoTime();
      var busy = f.http.post("/admin/gitops/pending-deletions/confirm", null);

      assertThat(busy.status()).as(busy.body()).isEqualTo(409);
      assertThat(busy.object().getString("error")).isEqualTo("conflict");
      assertThat(busy.object().getString("detail")).contains("retry").contains("nothing was deleted");
      assertThat(busy.headers().firstValue("Retry-After")).isPresent();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
      for (String name : new String[] {"museum-a", "museum-b", "museum-c", "museum-d"}) {
        assertThat(f.tenant(name).get().getString("status")).as(name).isEqualTo("pending");
      }
      assertThat(f.http.get("/admin/gitops/pending-deletions").object().getJsonArray("pending")).hasSize(4);
      sql.execute("SELECT pg_advisory_unlock(" + GitImporter.LOCK_KEY + ")");
    }

    JsonObject confirmed = f.http.post("/admin/gitops/pending-deletions/confirm", null).object();

    assertThat(confirmed.getJsonArray("deleted")).containsExactlyInAnyOrder("tenant-museum-b", "tenant-museum-c",
        "tenant-museum-d");
    assertThat(f.tenant("museum-a").get().getString("status")).isEqualTo("pending");
    for (String name : new String[] {"museum-b", "museum-c", "museum-d"}) {
      assertThat(f.tenant(name).get().getString("status")).as(name).isEqualTo("deleting");
    }
    assertThat(f.http.get("/admin/gitops/pending-deletions").object().getJsonArray("pending")).isEmpty();
  }
}
