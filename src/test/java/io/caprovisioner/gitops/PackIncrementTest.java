package io.caprovisioner.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real repositories, checked with the git CLI's fsck. */
class PackIncrementTest {
  private static final Instant LONG_AGO = Instant.now().minusSeconds(3600);

  @TempDir
  Path tmp;

  @Test
  void thePacksBesideTheBigOneAreMergedIntoOneAndEveryObjectStaysReadableAlsoTheUnreachableOnes() throws Exception {
    Path dir = tmp.resolve("repo.git");
    try (FileRepository repo = bare(dir)) {
      String bigPack = bigPack(repo, 400, 3);
      List<ObjectId> later = commits(repo, 60, 2, true);
      ObjectId unreachable = packedBlob(repo, "written by a batch whose push was rejected");
      ObjectId loose;
      try (ObjectInserter inserter = repo.getObjectDatabase().newInserter()) {
        loose = inserter.insert(Constants.OBJ_BLOB, "loose".getBytes(StandardCharsets.UTF_8));
        inserter.flush();
      }
      age(dir);
      // another reader that has the small packs open, as the push side's second repository has
      try (Repository other = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
        assertThat(readAll(other, later)).isTrue();

        assertThat(LooseObjectCollector.collect(repo, true, Instant.now(), LooseObjectCollector.Cancellation.NEVER))
            .isTrue();

        assertThat(packFiles(dir, ".pack")).hasSize(2);
        assertThat(packFiles(dir, ".bitmap")).containsExactly(bigPack);
        assertThat(looseObjects(dir)).isZero();
        assertThat(readAll(other, later)).as("the other reader, without reopening").isTrue();
        assertThat(other.getObjectDatabase().has(unreachable)).isTrue();
        assertThat(other.getObjectDatabase().has(loose)).isTrue();
      }
    }
    assertThat(git(dir, "fsck", "--strict")).isZero();
    assertThat(git(dir, "cat-file", "-e", "main~61")).isZero();
  }

  @Test
  void aPackWrittenAfterTheMergeWasAskedForStays() throws Exception {
    Path dir = tmp.resolve("repo.git");
    try (FileRepository repo = bare(dir)) {
      bigPack(repo, 200, 3);
      commits(repo, 3, 1, true);
      age(dir);
      Instant asked = Instant.now().minusSeconds(60);
      List<String> before = packFiles(dir, ".pack");
      ObjectId young = packedBlob(repo, "flushed after the merge was asked for");
      List<String> youngPack = new ArrayList<>(packFiles(dir, ".pack"));
      youngPack.removeAll(before);

      assertThat(PackIncrement.of(repo).merge(repo, asked, LooseObjectCollector.Cancellation.NEVER)).isPositive();

      assertThat(packFiles(dir, ".pack")).hasSize(3).containsAll(youngPack);
      assertThat(repo.getObjectDatabase().has(young)).isTrue();
    }
    assertThat(git(dir, "fsck", "--strict")).isZero();
  }

  @Test
  void onceWhatLiesBesideTheBigPackOutgrowsAQuarterOfItTheRepositoryIsRepackedWholeWithANewBitmap() throws Exception {
    Path dir = tmp.resolve("repo.git");
    try (FileRepository repo = bare(dir)) {
      String bigPack = bigPack(repo, 40, 1);
      commits(repo, 60, 2, true);
      age(dir);

      assertThat(LooseObjectCollector.collect(repo, true, Instant.now(), LooseObjectCollector.Cancellation.NEVER))
          .isTrue();

      assertThat(packFiles(dir, ".pack")).hasSize(1);
      assertThat(only(packFiles(dir, ".bitmap"))).isNotEqualTo(bigPack);
    }
    assertThat(git(dir, "fsck", "--strict", "--no-dangling")).isZero();
  }

  private static FileRepository bare(Path dir) throws Exception {
    return (FileRepository) Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call()
        .getRepository();
  }

  /** {@code count} commits of {@code files} files, repacked whole with a bitmap: the big pack. Returns its bitmap's name. */
  private static String bigPack(FileRepository repo, int count, int files) throws IOException {
    commits(repo, count, files, false);
    LooseObjectCollector.repack(repo, true, Instant.now().plusSeconds(5), LooseObjectCollector.Cancellation.NEVER);
    return only(packFiles(repo.getDirectory().toPath(), ".bitmap"));
  }

  /**
   * {@code count} commits on main, each adding {@code files} files; each commit flushed as a pack
   * of its own when {@code packEach} (as the writer's batches are), else all in one.
   */
  private static List<ObjectId> commits(FileRepository repo, int count, int files, boolean packEach)
      throws IOException {
    List<ObjectId> made = new ArrayList<>();
    ObjectInserter shared = packEach ? null : repo.getObjectDatabase().newPackInserter();
    ObjectId parent = repo.resolve(Constants.R_HEADS + "main");
    for (int c = 0; c < count; c++) {
      ObjectInserter inserter = packEach ? repo.getObjectDatabase().newPackInserter() : shared;
      TreeFormatter tree = new TreeFormatter();
      String name = String.format("c%06d-%d", c, System.nanoTime());
      for (int f = 0; f < files; f++) {
        byte[] content = (name + "/" + f).getBytes(StandardCharsets.UTF_8);
        tree.append(String.format("f%05d", f), FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB, content));
      }
      PersonIdent who = new PersonIdent("test", "test@example.invalid", Instant.now(), ZoneOffset.UTC);
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(inserter.insert(tree));
      if (parent != null) {
        commit.setParentId(parent);
      }
      commit.setAuthor(who);
      commit.setCommitter(who);
      commit.setMessage(name);
      ObjectId id = inserter.insert(commit);
      made.add(id);
      parent = id;
      if (packEach) {
        inserter.flush();
        inserter.close();
        moveMain(repo, id);
      }
    }
    if (shared != null) {
      shared.flush();
      shared.close();
      moveMain(repo, parent);
    }
    return made;
  }

  private static void moveMain(FileRepository repo, ObjectId id) throws IOException {
    RefUpdate update = repo.updateRef(Constants.R_HEADS + "main");
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    assertThat(update.update()).isIn(RefUpdate.Result.NEW, RefUpdate.Result.FORCED, RefUpdate.Result.FAST_FORWARD);
  }

  private static ObjectId packedBlob(FileRepository repo, String content) throws IOException {
    try (ObjectInserter inserter = repo.getObjectDatabase().newPackInserter()) {
      ObjectId id = inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
      inserter.flush();
      return id;
    }
  }

  private static boolean readAll(Repository repo, List<ObjectId> commits) throws IOException {
    try (ObjectReader reader = repo.newObjectReader()) {
      for (ObjectId id : commits) {
        reader.open(id).getBytes();
      }
    }
    return true;
  }

  /** Dates every pack an hour back, as if written well before the merge was asked for. */
  private static void age(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("objects/pack"))) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, FileTime.from(LONG_AGO));
      }
    }
  }

  private static List<String> packFiles(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("objects/pack"))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
    }
  }

  private static String only(List<String> names) {
    assertThat(names).hasSize(1);
    return names.get(0);
  }

  private static long looseObjects(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("objects"))) {
      return files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{38}")).count();
    }
  }

  private static int git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "--git-dir", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0) {
      System.err.println(String.join(" ", command) + ": " + out);
    }
    return code;
  }
}
