package io.caprovisioner.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LooseObjectCollectorTest {
  @TempDir
  Path tmp;

  @Test
  void theClonesPackGetsNoBitmapIndexAndARemotesDoes() throws Exception {
    try (Repository clone = repositoryWithLooseObjects(tmp.resolve("clone.git"));
        Repository remote = repositoryWithLooseObjects(tmp.resolve("remote.git"))) {
      assertThat(LooseObjectCollector.collect(clone, false, Instant.now().plusSeconds(5), LooseObjectCollector.Cancellation.NEVER)).isTrue();
      assertThat(LooseObjectCollector.collect(remote, true, Instant.now().plusSeconds(5), LooseObjectCollector.Cancellation.NEVER)).isTrue();

      assertThat(packFiles(clone, ".pack")).hasSize(1);
      assertThat(packFiles(clone, ".bitmap")).isEmpty();
      assertThat(packFiles(remote, ".pack")).hasSize(1);
      assertThat(packFiles(remote, ".bitmap")).hasSize(1);
      assertThat(clone.getObjectDatabase().has(clone.resolve(Constants.R_HEADS + "main"))).isTrue();
    }
  }

  /** One commit whose tree holds more blobs than the collector lets lie loose. */
  private static Repository repositoryWithLooseObjects(Path dir) throws Exception {
    Repository repo = Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call()
        .getRepository();
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      TreeFormatter tree = new TreeFormatter();
      for (int i = 0; i <= LooseObjectCollector.MAX_LOOSE_OBJECTS; i++) {
        String name = String.format("f%05d", i);
        tree.append(name, FileMode.REGULAR_FILE,
            inserter.insert(Constants.OBJ_BLOB, name.getBytes(StandardCharsets.UTF_8)));
      }
      PersonIdent who = new PersonIdent("test", "test@example.invalid", Instant.now(), ZoneOffset.UTC);
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(inserter.insert(tree));
      commit.setAuthor(who);
      commit.setCommitter(who);
      commit.setMessage("many files");
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repo.updateRef(Constants.R_HEADS + "main");
      update.setNewObjectId(id);
      assertThat(update.update()).isEqualTo(RefUpdate.Result.NEW);
    }
    return repo;
  }

  private static java.util.List<Path> packFiles(Repository repo, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(repo.getDirectory().toPath().resolve("objects/pack"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
    }
  }
}
