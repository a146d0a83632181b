package io.caprovisioner.gitops;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.BitmapIndex;
import org.eclipse.jgit.lib.BitmapObject;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushRepositoryTest {
  @TempDir
  Path tmp;
  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void thePushedTipsBitmapHoldsExactlyWhatTheTipReachesOverPushesAndAfterARepack() throws Exception {
    Config config = TestConfigs.config(tmp.resolve("home"), Map.of());
    Path clone = config.home().resolve("gitops/clone.git");
    try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config));
        PushRepository pushes = new PushRepository(clone)) {
      provision(writer, config, "aaaa");
      pushes.noticeRepack();
      ObjectId first = ObjectId.fromString(git(clone, "rev-parse", "main").trim());
      pushes.pushed(ObjectId.zeroId(), first, Set.of());
      assertThat(bitmapObjects(pushes, first)).isEqualTo(reachable(clone, first));

      // built from the remembered one and what the batch wrote, which may hold objects no commit
      // uses (a tree replaced again within the batch): those must not count as on the remote
      provision(writer, config, "bbbb");
      provision(writer, config, "cccc");
      ObjectId third = ObjectId.fromString(git(clone, "rev-parse", "main").trim());
      Set<ObjectId> written = new java.util.HashSet<>(objectIds(clone, third.name(), "^" + first.name()));
      ObjectId unused;
      try (ObjectInserter inserter = writer.cloneRepository().newObjectInserter()) {
        unused = inserter.insert(Constants.OBJ_BLOB, "written, then replaced\n".getBytes(StandardCharsets.UTF_8));
        inserter.flush();
      }
      written.add(unused);
      // known before the push, so that JGit's walk for what to send stops at once
      pushes.pushing(first, third, written);
      assertThat(bitmapObjects(pushes, third)).isEqualTo(reachable(clone, third)).doesNotContain(unused.name());
      pushes.notPushed();
      try (ObjectReader reader = pushes.newObjectReader()) {
        assertThat(reader.getBitmapIndex().getBitmap(third)).as("a rejected push's tip is forgotten").isNull();
      }
      pushes.pushing(first, third, written);
      pushes.pushed(first, third, written);
      assertThat(bitmapObjects(pushes, third)).isEqualTo(reachable(clone, third)).doesNotContain(unused.name());

      // a repack replaces the bitmap index; bitmaps of the old one cannot be mixed with it
      LooseObjectCollector.repack(writer.cloneRepository(), true, java.time.Instant.now().plusSeconds(5),
          LooseObjectCollector.Cancellation.NEVER);
      pushes.noticeRepack();
      provision(writer, config, "dddd");
      ObjectId fourth = ObjectId.fromString(git(clone, "rev-parse", "main").trim());
      pushes.pushed(third, fourth, objectIds(clone, fourth.name(), "^" + third.name()));
      assertThat(bitmapObjects(pushes, fourth)).isEqualTo(reachable(clone, fourth));
    }
  }

  private static void provision(JGitGitopsWriter writer, Config config, String prefix) throws Exception {
    Future<Optional<String>> write = writer.write(TestConfigs.stripeTenant(config, prefix + "cdef", "pro"),
        new io.caprovisioner.gitops.GitChange(GitAction.PROVISION, Optional.of("evt_" + prefix), "test"));
    assertThat(write.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS)).isPresent();
  }

  private static Set<String> bitmapObjects(PushRepository pushes, ObjectId tip) throws Exception {
    try (ObjectReader reader = pushes.newObjectReader()) {
      BitmapIndex.Bitmap bitmap = reader.getBitmapIndex().getBitmap(tip);
      assertThat(bitmap).as("a bitmap for the pushed tip").isNotNull();
      Set<String> ids = new TreeSet<>();
      for (BitmapObject object : bitmap) {
        ids.add(object.getObjectId().name());
      }
      return ids;
    }
  }

  /** What git itself says the tip reaches. */
  private static Set<String> reachable(Path repo, ObjectId tip) {
    Set<String> ids = new TreeSet<>();
    objectIds(repo, tip.name()).forEach(id -> ids.add(id.name()));
    return ids;
  }

  private static Set<ObjectId> objectIds(Path repo, String... revisions) {
    List<String> args = new java.util.ArrayList<>(List.of("rev-list", "--objects"));
    args.addAll(List.of(revisions));
    Set<ObjectId> ids = new java.util.HashSet<>();
    git(repo, args.toArray(String[]::new)).lines().forEach(line -> ids.add(ObjectId.fromString(line.split(" ")[0])));
    return ids;
  }
}
