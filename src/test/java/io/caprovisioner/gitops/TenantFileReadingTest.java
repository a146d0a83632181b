package io.caprovisioner.gitops;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.tenant.TenantNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the import reads from the branch goes through the one tenant.yaml reader: a gitlink named
 * tenant.yaml, a huge file or bytes that are not UTF-8 are reported by path and never loaded,
 * and they do not stop the other tenants from being read. Repository made with the real git CLI.
 */
class TenantFileReadingTest {
  @TempDir
  Path tmp;

  @Test
  void unreadableTenantFilesAreReportedAndTheRestIsRead() throws Exception {
    Path repo = tmp.resolve("gitops");
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "main");
    write(repo, TenantNames.folderOf("tenant-good") + "/tenant.yaml", "apiVersion: caprovisioner.io/v1\n".getBytes());
    write(repo, TenantNames.folderOf("tenant-huge") + "/tenant.yaml", new byte[300 * 1024]);
    write(repo, TenantNames.folderOf("tenant-latin1") + "/tenant.yaml", new byte[] {'a', (byte) 0xE9, '\n'});
    git(repo, "add", "-A");
    // a gitlink (a submodule entry) where a tenant.yaml should be
    String sha = git(repo, "hash-object", "-w", TenantNames.folderOf("tenant-good") + "/tenant.yaml").strip();
    git(repo, "update-index", "--add", "--cacheinfo", "160000," + sha + ","
        + TenantNames.folderOf("tenant-link") + "/tenant.yaml");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "tenants");

    try (Repository r = new FileRepositoryBuilder().setGitDir(repo.resolve(".git").toFile()).build()) {
      ObjectId tip = r.resolve("HEAD");
      List<TenantFile> files = HistoryReader.tenantFiles(r, tip);
      Map<String, TenantFile> byNamespace = files.stream().collect(Collectors.toMap(TenantFile::namespace, f -> f));

      assertThat(byNamespace).containsOnlyKeys("tenant-good", "tenant-huge", "tenant-latin1", "tenant-link");
      assertThat(byNamespace.get("tenant-good").unreadable()).isEmpty();
      assertThat(byNamespace.get("tenant-good").text()).startsWith("apiVersion");
      assertThat(byNamespace.get("tenant-huge").unreadable()).get().asString().contains("larger than");
      assertThat(byNamespace.get("tenant-latin1").unreadable()).get().asString().contains("not valid UTF-8");
      assertThat(byNamespace.get("tenant-link").unreadable()).get().asString().contains("not a regular file");
    }
  }

  private static void write(Path repo, String path, byte[] bytes) throws Exception {
    Path file = repo.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
