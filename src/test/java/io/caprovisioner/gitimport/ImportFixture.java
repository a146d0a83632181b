package io.caprovisioner.gitimport;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.cli.Main;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two sides of a manual tenant: the service (in-process, fresh database, no job runner, the
 * gitops remote a file:// bare repository polled every second) and a staff member with a clone,
 * the real git CLI and the real {@code ca-provisioner} command line.
 */
final class ImportFixture implements AutoCloseable {
  final Path tmp;
  final Path remote;
  final Path clone;
  final DatabaseUrl db;
  ProvisionerService service;
  TestHttp http;

  ImportFixture(Path tmp) {
    this.tmp = tmp;
    this.remote = tmp.resolve("remote.git");
    this.clone = tmp.resolve("clone");
    this.db = TestPostgres.freshDatabase();
    git(tmp, "init", "-q", "--bare", "-b", "main", remote.toString());
  }

  Map<String, String> serviceEnv(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("JOB_WORKERS", "0", "GITOPS_REPO_URL", remote.toUri().toString(),
        "GITOPS_POLL_INTERVAL", "1"));
    env.putAll(extra);
    return env;
  }

  /** Starts the service and waits for it to initialise the empty remote; then clones it. */
  ImportFixture start(Map<String, String> extra) {
    service = TestService.start(db, tmp.resolve("home"), serviceEnv(extra));
    http = new TestHttp(service.port(), TestService.TOKEN);
    await().atMost(Duration.ofSeconds(30)).until(() -> remoteTip().isPresent());
    git(tmp, "clone", "-q", remote.toString(), clone.toString());
    return this;
  }

  Optional<String> remoteTip() {
    try {
      return Optional.of(git(remote, "rev-parse", "--verify", "-q", "main").trim());
    } catch (AssertionError e) {
      return Optional.empty();
    }
  }

  /** {@code ca-provisioner tenant new} in the clone, as staff run it (the process environment). */
  void tenantNew(String name, String plan, String email) {
    assertThat(Main.run("tenant", "new", "--name", name, "--plan", plan, "--admin-email", email, "--repo",
        clone.toString())).isZero();
  }

  int validate() {
    return Main.run("validate", clone.toString());
  }

  String folder(String name) {
    return "tenants/" + TenantNames.shardOf("tenant-" + name) + "/tenant-" + name;
  }

  void commitAndPush(String message) {
    git(clone, "add", "-A");
    git(clone, "commit", "-q", "-m", message);
    git(clone, "pull", "-q", "--rebase", "origin", "main");
    git(clone, "push", "-q", "origin", "HEAD:main");
  }

  Optional<JsonObject> tenant(String name) {
    TestHttp.Response r = http.get("/tenants/namespace/tenant-" + name);
    return r.status() == 404 ? Optional.empty() : Optional.of(r.object());
  }

  JsonObject awaitTenant(String name) {
    await().atMost(Duration.ofSeconds(20)).until(() -> tenant(name).isPresent());
    return tenant(name).get();
  }

  JsonObject status(long id) {
    return http.get("/admin/tenants/" + id + "/status").object();
  }

  /** The intents recorded for the tenant, oldest first (provision, suspend, plan-change, delete...). */
  List<String> intentKinds(long id) {
    JsonArray intents = status(id).getJsonArray("intents");
    return intents.stream().map(j -> ((JsonObject) j).getString("kind")).toList();
  }

  List<String> logMessages(long id) {
    JsonArray logs = status(id).getJsonArray("provisioning_logs");
    return logs.stream().map(j -> ((JsonObject) j).getString("action") + " " + ((JsonObject) j).getString("message"))
        .toList();
  }

  JsonObject importState() {
    return http.get("/admin/gitops/import").object();
  }

  /** Waits until the service has imported exactly the remote's current tip. */
  void awaitImportOf(String commit) {
    await().atMost(Duration.ofSeconds(20)).until(() -> commit.equals(importState().getString("last_commit")));
  }

  @Override
  public void close() {
    if (service != null) {
      service.stop();
    }
  }
}
