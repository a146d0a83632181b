package io.caprovisioner.gitops;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.TenantState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JGitGitopsWriterTest {
  static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]+");
  @TempDir
  Path tmp;
  Vertx vertx;
  final List<JGitGitopsWriter> writers = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    writers.forEach(JGitGitopsWriter::close);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  JGitGitopsWriter writer(Config config) {
    JGitGitopsWriter w = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config));
    writers.add(w);
    return w;
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static GitChange change(GitAction action, String event) {
    return new GitChange(action, Optional.ofNullable(event), "stripe-webhook");
  }

  Path remoteOf(Config config) {
    return config.home().resolve("gitops/remote.git");
  }

  Path checkout(Path remote) {
    Path work = tmp.resolve("checkout-" + System.nanoTime());
    git(tmp, "clone", "-q", remote.toString(), work.toString());
    return work;
  }

  @Test
  void firstWriteInitialisesTheRemoteFromTheSkeletonAndAddsTheTenant() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    TenantDesired tenant = TestConfigs.stripeTenant(config, "ab12cd34", "pro");

    Optional<String> sha = await(writer(config).write(tenant, change(GitAction.PROVISION, "evt_1")));

    assertThat(sha).isPresent();
    Path remote = remoteOf(config);
    git(remote, "fsck", "--strict", "--no-dangling");
    assertThat(git(remote, "rev-parse", "main").trim()).isEqualTo(sha.get());
    Path work = checkout(remote);
    String dir = "tenants/" + tenant.names().shard() + "/tenant-ab12cd34/";
    assertThat(work.resolve("README.md")).exists();
    assertThat(work.resolve("schema/tenant.schema.json")).exists();
    assertThat(work.resolve(".github/workflows/validate.yaml")).exists();
    assertThat(Files.readString(work.resolve(dir + "application.yaml"))).contains("name: tenant-ab12cd34");
    assertThat(work.resolve(dir + "tenant.yaml")).exists();
    assertThat(git(work, "log", "--format=%s").lines().toList())
        .containsExactly("Provision tenant-ab12cd34 on plan pro", "Initialise the gitops repository");
  }

  @Test
  void theLocalRemoteIsPackedByTheCollectorNotByAGcOnEveryReceive() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    await(writer(config).write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"), change(GitAction.PROVISION, "e")));
    assertThat(git(remoteOf(config), "config", "receive.autogc").trim()).isEqualTo("false");

    // a remote made before this setting existed gets it on the next start
    git(remoteOf(config), "config", "--unset", "receive.autogc");
    await(writer(config).write(TestConfigs.stripeTenant(config, "ef56ab78", "pro"), change(GitAction.PROVISION, "f")));
    assertThat(git(remoteOf(config), "config", "receive.autogc").trim()).isEqualTo("false");
  }

  @Test
  void writingTheSameStateTwiceMakesOneCommit() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    TenantDesired tenant = TestConfigs.stripeTenant(config, "ab12cd34", "pro");

    Optional<String> first = await(writer.write(tenant, change(GitAction.PROVISION, "evt_1")));
    Optional<String> again = await(writer.write(tenant, change(GitAction.PROVISION, "evt_1")));

    assertThat(first).isPresent();
    assertThat(again).isEmpty();
    assertThat(git(remoteOf(config), "rev-list", "--count", "main").trim()).isEqualTo("2");
  }

  @Test
  void trailersAreParseableByGitAndHistoryListsTheTenantsCommitsNewestFirst() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    TenantDesired active = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    TenantDesired suspended = new TenantDesired(active.names(), active.plan(), TenantState.SUSPENDED,
        active.source(), active.chartVersion(), active.stripeCustomerId(), active.adminEmail());
    TenantDesired other = TestConfigs.stripeTenant(config, "zz99yy77", "starter");

    await(writer.write(active, change(GitAction.PROVISION, "evt_1")));
    await(writer.write(other, change(GitAction.PROVISION, "evt_2")));
    await(writer.write(suspended, new GitChange(GitAction.SUSPEND, Optional.of("evt_3"),
        "admin-api\nAction: delete")));

    String trailers = git(remoteOf(config), "log", "-1", "--format=%(trailers)", "main");
    assertThat(trailers.lines().filter(l -> !l.isBlank()).toList()).containsExactly("Tenant: tenant-ab12cd34", "Action: suspend",
        "Stripe-Event: evt_3", "Requested-By: admin-api Action: delete");
    assertThat(git(remoteOf(config), "log", "--format=%(trailers:key=Action,valueonly)", "main").lines()
        .filter(l -> !l.isBlank()).toList()).containsExactly("suspend", "provision", "provision");

    List<TenantCommit> history = await(writer.history(active.names(), 10));
    assertThat(history).extracting(c -> c.action().orElse("")).containsExactly("suspend", "provision");
    assertThat(history).extracting(c -> c.stripeEventId().orElse("")).containsExactly("evt_3", "evt_1");
    assertThat(history.get(0).subject()).isEqualTo("Suspend tenant-ab12cd34");
    assertThat(history.get(0).sha()).isEqualTo(git(remoteOf(config), "rev-parse", "main").trim());
    assertThat(await(writer.history(active.names(), 1))).hasSize(1);
  }

  @Test
  void aRolloutsUpgradeCommitsTheImagePinWithItsRolloutTrailerAndTheRollbackRemovesIt() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    TenantDesired before = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    TenantDesired upgraded = new TenantDesired(before.names(), before.plan(), before.state(), before.source(),
        Optional.of("0.2.0"), before.stripeCustomerId(), before.adminEmail(),
        Optional.of("registry.example.org/providence:2.1.0"));
    await(writer.write(before, change(GitAction.PROVISION, "evt_1")));
    await(writer.write(upgraded, new GitChange(GitAction.UPGRADE, Optional.empty(), "rollout 7", Optional.of(7L))));

    Path work = checkout(remoteOf(config));
    String folder = "tenants/" + before.names().shard() + "/" + before.names().namespace();
    assertThat(Files.readString(work.resolve(folder + "/tenant.yaml")))
        .contains("image: registry.example.org/providence:2.1.0").contains("chartVersion: 0.2.0");
    assertThat(Files.readString(work.resolve(folder + "/application.yaml")))
        .contains("repository: registry.example.org/providence").contains("tag: 2.1.0");
    assertThat(git(remoteOf(config), "log", "-1", "--format=%(trailers)", "main").lines().filter(l -> !l.isBlank())
        .toList()).containsExactly("Tenant: tenant-ab12cd34", "Action: upgrade", "Rollout: 7", "Requested-By: rollout 7");
    assertThat(git(remoteOf(config), "log", "-1", "--format=%s", "main").trim())
        .isEqualTo("Upgrade tenant-ab12cd34 to chart 0.2.0, image registry.example.org/providence:2.1.0");

    await(writer.write(before, new GitChange(GitAction.ROLLBACK, Optional.empty(), "ops", Optional.of(7L))));
    Path again = checkout(remoteOf(config));
    assertThat(Files.readString(again.resolve(folder + "/tenant.yaml"))).doesNotContain("image:")
        .doesNotContain("chartVersion");
    assertThat(git(remoteOf(config), "log", "-1", "--format=%(trailers:key=Action,valueonly)%(trailers:key=Rollout,"
        + "valueonly)", "main").lines().filter(l -> !l.isBlank()).toList()).containsExactly("rollback", "7");
  }

  @Test
  void removeDeletesTheFolderAndIsANoOpTheSecondTime() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    TenantDesired tenant = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    await(writer.write(tenant, change(GitAction.PROVISION, "evt_1")));

    Optional<String> removed = await(writer.remove(tenant.names(), change(GitAction.DELETE, "evt_9")));
    Optional<String> again = await(writer.remove(tenant.names(), change(GitAction.DELETE, "evt_9")));

    assertThat(removed).isPresent();
    assertThat(again).isEmpty();
    Path work = checkout(remoteOf(config));
    // the shard's folder stays (the ApplicationSet's root for it must live on to prune the tenant)
    try (var shard = Files.list(work.resolve("tenants/" + tenant.names().shard()))) {
      assertThat(shard.map(p -> p.getFileName().toString())).containsExactly(JGitGitopsWriter.SHARD_KEEP);
    }
    assertThat(work.resolve("tenants/README.md")).exists();
    assertThat(await(writer.history(tenant.names(), 10))).extracting(c -> c.action().orElse(""))
        .containsExactly("delete", "provision");
    git(remoteOf(config), "fsck", "--strict", "--no-dangling");
  }

  @Test
  void stripeTenantsLeaveNoEmailInHistoryAndManualContactsStayInTenantYaml() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    await(writer.write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"), change(GitAction.PROVISION, "evt_1")));
    await(writer.write(TestConfigs.stripeTenant(config, "cd34ef56", "museum"), change(GitAction.PROVISION, "evt_2")));

    String log = git(remoteOf(config), "log", "-p", "--format=%H%n%an <%ae>%n%B", "main");
    assertThat(log).contains("tenant-cd34ef56");
    // the skeleton README explains where passwords live; the tenant commits hold none
    assertThat(git(remoteOf(config), "log", "-p", "main~2..main")).contains("tenant-ab12cd34")
        .doesNotContainIgnoringCase("password");
    assertThat(log.replace("<ca-provisioner@noreply.invalid>", "")).doesNotContainPattern(EMAIL);

    TenantDesired manual = TestConfigs.manualTenant(config, "city-museum", "pro", "registrar@city-museum.org");
    await(writer.write(manual, new GitChange(GitAction.IMPORT, Optional.empty(), "staff")));
    Path work = checkout(remoteOf(config));
    String dir = "tenants/" + manual.names().shard() + "/tenant-city-museum/";
    assertThat(Files.readString(work.resolve(dir + "tenant.yaml"))).contains("registrar@city-museum.org");
    assertThat(Files.readString(work.resolve(dir + "application.yaml"))).doesNotContainPattern(EMAIL);
  }

  @Test
  void anUnreachableRemoteFailsTheFutureNamingTheRemote() {
    Path missing = tmp.resolve("no-such-repo.git");
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", missing.toUri().toString()));

    Future<Optional<String>> result = writer(config).write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"),
        change(GitAction.PROVISION, "evt_1"));

    assertThatThrownBy(() -> await(result)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(GitopsUnavailableException.class)
        .hasMessageContaining("no-such-repo.git").hasMessageContaining("cannot fetch from");
  }

  @Test
  void aFailedPushDoesNotWedgeTheWriterOnceTheRemoteIsBack() throws Exception {
    Path remote = tmp.resolve("remote.git");
    git(tmp, "init", "-q", "--bare", "-b", "main", remote.toString());
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", remote.toUri().toString(),
        "GITOPS_POLL_INTERVAL", "3600"));
    JGitGitopsWriter w = writer(config);
    await(w.write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"), change(GitAction.PROVISION, "evt_1")));

    // the remote goes away (an outage) while a change is pushed; the import's poll never runs
    Path away = tmp.resolve("remote-away.git");
    Files.move(remote, away);
    assertThatThrownBy(() -> await(w.write(TestConfigs.stripeTenant(config, "cd34ef56", "pro"),
        change(GitAction.PROVISION, "evt_2")))).cause().isInstanceOf(GitopsUnavailableException.class);
    Files.move(away, remote);

    // back: the next change and the one that failed go out without waiting for a fetch
    assertThat(await(w.write(TestConfigs.stripeTenant(config, "ef56ab78", "pro"), change(GitAction.PROVISION,
        "evt_3")))).isPresent();
    assertThat(await(w.write(TestConfigs.stripeTenant(config, "cd34ef56", "pro"), change(GitAction.PROVISION,
        "evt_2")))).isPresent();
    assertThat(git(remote, "log", "--format=%s", "main").lines().toList()).containsExactly(
        "Provision tenant-cd34ef56 on plan pro", "Provision tenant-ef56ab78 on plan pro",
        "Provision tenant-ab12cd34 on plan pro", "Initialise the gitops repository");
  }

  @Test
  void aReadAnswersWithinItsDeadlineNamingTheRemoteWhileTheGitThreadWaitsForAHungForge() throws Exception {
    // a forge that accepts connections and never answers; GITOPS_TIMEOUT longer than the read's deadline
    List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (java.net.ServerSocket hung = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(hung.accept());
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "http://127.0.0.1:" + hung.getLocalPort() + "/gitops.git";
      Config config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", url, "GITOPS_TIMEOUT", "60"));
      JGitGitopsWriter w = writer(config);

      long started = System.nanoTime();
      Future<List<TenantCommit>> history = w.history(TestConfigs.stripeTenant(config, "ab12cd34", "pro").names(), 10);

      assertThatThrownBy(() -> await(history)).cause().isInstanceOf(GitopsUnavailableException.class)
          .hasMessageContaining(url).hasMessageContaining("did not answer within 10 s");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(tookMs).isBetween(JGitGitopsWriter.READ_DEADLINE.toMillis() - 100,
          JGitGitopsWriter.READ_DEADLINE.toMillis() + 3_000);
      assertThat(held).isNotEmpty();
    } finally {
      for (java.net.Socket s : held) {
        s.close(); // the git thread's read ends, so the writer closes
      }
    }
  }

  @Test
  void aChangeMergedByOthersMeanwhileIsKeptAndOursReappliedOnTop() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    await(writer.write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"), change(GitAction.PROVISION, "evt_1")));
    // a pull request merged on the forge: our clone does not know it yet
    Path work = checkout(remoteOf(config));
    Files.writeString(work.resolve("NOTES.md"), "staff notes\n");
    git(work, "add", "NOTES.md");
    git(work, "commit", "-q", "-m", "Add notes");
    git(work, "push", "-q", "origin", "main");

    Optional<String> sha = await(writer.write(TestConfigs.stripeTenant(config, "cd34ef56", "pro"),
        change(GitAction.PROVISION, "evt_2")));

    Path after = checkout(remoteOf(config));
    assertThat(after.resolve("NOTES.md")).exists();
    assertThat(git(after, "rev-parse", "HEAD").trim()).isEqualTo(sha.orElseThrow());
    assertThat(git(after, "log", "--format=%s").lines().toList()).startsWith("Provision tenant-cd34ef56 on plan pro",
        "Add notes");
    TenantFiles files = await(writer.tenantFiles());
    assertThat(files.commit()).contains(sha.get());
    assertThat(files.files()).extracting(TenantFile::namespace)
        .containsExactlyInAnyOrder("tenant-ab12cd34", "tenant-cd34ef56");
  }

  @Test
  void aShardFolderRemovedByAPullRequestComesBackWithTheServicesRemoval() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    TenantDesired tenant = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    await(writer.write(tenant, change(GitAction.PROVISION, "evt_1")));
    String shard = "tenants/" + tenant.names().shard();
    Path work = checkout(remoteOf(config));
    git(work, "rm", "-q", "-r", shard + "/" + tenant.names().namespace());
    git(work, "commit", "-q", "-m", "Remove the last tenant of its shard");
    git(work, "push", "-q", "origin", "main");

    Optional<String> removal = await(writer.remove(tenant.names(), change(GitAction.DELETE, null)));

    assertThat(removal).isPresent();
    assertThat(checkout(remoteOf(config)).resolve(shard + "/" + JGitGitopsWriter.SHARD_KEEP)).isRegularFile();
  }

  @Test
  void twoWritersWithTheirOwnClonesPushingAtOnceLoseNothing() throws Exception {
    Config first = TestConfigs.config(tmp.resolve("a"), Map.of());
    JGitGitopsWriter a = writer(first);
    await(a.write(TestConfigs.stripeTenant(first, "aaaa0000", "pro"), change(GitAction.PROVISION, "evt_0")));
    Config second = TestConfigs.config(tmp.resolve("b"),
        Map.of("GITOPS_REPO_URL", remoteOf(first).toUri().toString()));
    JGitGitopsWriter b = writer(second);

    List<Future<Optional<String>>> results = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String idA = "aaaa" + (char) ('a' + i) + "bcd";
      String idB = "bbbb" + (char) ('a' + i) + "bcd";
      ids.add(idA);
      ids.add(idB);
      results.add(a.write(TestConfigs.stripeTenant(first, idA, "pro"), change(GitAction.PROVISION, "evt_a" + i)));
      results.add(b.write(TestConfigs.stripeTenant(second, idB, "starter"), change(GitAction.PROVISION, "evt_b" + i)));
    }
    for (Future<Optional<String>> r : results) {
      assertThat(await(r)).isPresent();
    }

    Path remote = remoteOf(first);
    git(remote, "fsck", "--strict", "--no-dangling");
    assertThat(git(remote, "rev-list", "--count", "main").trim()).isEqualTo(String.valueOf(2 + ids.size()));
    List<String> tenants = await(b.tenantFiles()).files().stream().map(TenantFile::namespace).toList();
    assertThat(tenants).hasSize(ids.size() + 1);
    for (String id : ids) {
      assertThat(tenants).contains("tenant-" + id);
    }
  }

  @Test
  void aPlanChangeRewritesOnlyThatTenantsFiles() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    TenantDesired pro = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    await(writer.write(pro, change(GitAction.PROVISION, "evt_1")));
    await(writer.write(TestConfigs.stripeTenant(config, "cd34ef56", "pro"), change(GitAction.PROVISION, "evt_2")));
    Plan museum = config.plans().byName("museum").orElseThrow();

    await(writer.write(new TenantDesired(pro.names(), museum, pro.state(), pro.source(), pro.chartVersion(),
        pro.stripeCustomerId(), pro.adminEmail()), change(GitAction.PLAN_CHANGE, "evt_3")));

    String dir = "tenants/" + pro.names().shard() + "/tenant-ab12cd34";
    assertThat(git(remoteOf(config), "diff", "--name-only", "main~1", "main").lines().toList())
        .containsExactlyInAnyOrder(dir + "/application.yaml", dir + "/tenant.yaml");
    assertThat(git(remoteOf(config), "log", "-1", "--format=%s", "main").trim())
        .isEqualTo("Move tenant-ab12cd34 to plan museum");
  }

  @Test
  void writesGoOnWhileTheCloneIsRepackedInTheBackgroundAndEveryCommitReachesTheRemote() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    JGitGitopsWriter writer = writer(config);
    List<String> burstCommits = new ArrayList<>();
    burstCommits.add(await(provision(writer, config, 0, 1).get(0)).orElseThrow());
    // what rejected batches leave behind: more loose objects than the collector lets lie
    try (Repository clone = new FileRepositoryBuilder().setGitDir(config.home().resolve("gitops/clone.git").toFile())
        .setBare().build(); ObjectInserter inserter = clone.newObjectInserter()) {
      for (int i = 0; i <= LooseObjectCollector.MAX_LOOSE_OBJECTS; i++) {
        inserter.insert(Constants.OBJ_BLOB, ("left over " + i).getBytes(StandardCharsets.UTF_8));
      }
      inserter.flush();
    }
    int burst = 1 + LooseObjectCollector.CHECK_EVERY_COMMITS;
    for (Future<Optional<String>> write : provision(writer, config, 1, burst - 1)) {
      burstCommits.add(await(write).orElseThrow());
    }
    // the batch that crossed the check asked for a repack (where batches end depends on timing);
    // these are committed and pushed while it runs
    int meanwhile = 60;
    for (Future<Optional<String>> write : provision(writer, config, burst, meanwhile)) {
      assertThat(await(write)).isPresent();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (writer.packing() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(writer.packing()).isFalse();
    try (var files = Files.walk(config.home().resolve("gitops/clone.git/objects"))) {
      assertThat(files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{38}")).count())
          .as("loose objects left in the clone").isLessThanOrEqualTo(LooseObjectCollector.MAX_LOOSE_OBJECTS);
    }
    // reads the objects it builds on from the pack that replaced the old ones
    Optional<String> last = await(writer.write(TestConfigs.stripeTenant(config, "ffffffff", "pro"),
        change(GitAction.PROVISION, "evt_last")));

    Path clone = config.home().resolve("gitops/clone.git");
    git(clone, "fsck", "--strict");
    Path remote = remoteOf(config);
    git(remote, "fsck", "--strict", "--no-dangling");
    assertThat(git(remote, "rev-parse", "main").trim()).isEqualTo(last.orElseThrow());
    assertThat(git(remote, "rev-list", "--count", "main").trim()).isEqualTo(String.valueOf(1 + burst + meanwhile + 1));
    String bitmapped = bitmappedPackObjects(clone);
    // a repack started during the burst wrote it (the one at the start holds the skeleton only)
    assertThat(burstCommits).as("the clone's bitmap covers the burst up to where a repack was asked")
        .anyMatch(bitmapped::contains);
  }

  private static List<Future<Optional<String>>> provision(JGitGitopsWriter writer, Config config, int from, int count) {
    List<Future<Optional<String>>> writes = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      writes.add(writer.write(TestConfigs.stripeTenant(config, String.format("t%07x", i), "pro"),
          change(GitAction.PROVISION, "evt_" + i)));
    }
    return writes;
  }

  /** The object ids in the clone's packs that have a bitmap index. */
  private static String bitmappedPackObjects(Path clone) throws Exception {
    Path packs = clone.resolve("objects/pack");
    List<Path> bitmaps;
    try (var files = Files.list(packs)) {
      bitmaps = files.filter(f -> f.getFileName().toString().endsWith(".bitmap")).toList();
    }
    StringBuilder ids = new StringBuilder();
    for (Path bitmap : bitmaps) {
      Path index = packs.resolve(bitmap.getFileName().toString().replace(".bitmap", ".idx"));
      Process show = new ProcessBuilder("git", "show-index").redirectInput(index.toFile()).start();
      ids.append(new String(show.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(show.waitFor()).isZero();
    }
    return ids.toString();
  }
}
