package io.caprovisioner.bench;

import io.caprovisioner.config.Config;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.render.RepositorySkeleton;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantDesired;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;

/**
 * The gitops side of a generated fleet: one commit holding the skeleton and every tenant's
 * rendered folder, written straight into a new bare repository as a single pack (a loose object
 * per file would be hundreds of thousands of files), as if the service had provisioned them all.
 */
final class FleetRepository {
  private static final int CHUNK = 2_000;

  private FleetRepository() {
  }

  /** Creates the bare repository {@code bare} with {@code branch} at the generated commit; blocking. */
  static ObjectId generate(Path bare, String branch, Config config, TenantRenderer renderer,
      List<TenantDesired> tenants) throws IOException {
    try (Git git = Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch(branch).call()) {
      FileRepository repo = (FileRepository) git.getRepository();
      ObjectId commit;
      try (ObjectInserter inserter = repo.getObjectDatabase().newPackInserter()) {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        for (Map.Entry<String, byte[]> file : RepositorySkeleton.files(config).entrySet()) {
          add(builder, inserter, file.getKey(), file.getValue());
        }
        // rendering is most of the work, and the renderer keeps no state between calls: all cores
        // render a chunk, then its files go into the pack, so only one chunk's text is held at a time
        for (int from = 0; from < tenants.size(); from += CHUNK) {
          List<RenderedTenant> chunk = tenants.subList(from, Math.min(tenants.size(), from + CHUNK)).parallelStream()
              .map(renderer::render).toList();
          for (RenderedTenant rendered : chunk) {
            for (Map.Entry<String, String> file : rendered.files().entrySet()) {
              add(builder, inserter, rendered.directory() + "/" + file.getKey(),
                  file.getValue().getBytes(StandardCharsets.UTF_8));
            }
          }
        }
        builder.finish(); // sorts the entries into Git's order
        PersonIdent service = new PersonIdent("ca-provisioner", "ca-provisioner@noreply.invalid", Instant.now(),
            ZoneOffset.UTC);
        CommitBuilder c = new CommitBuilder();
        c.setTreeId(index.writeTree(inserter));
        c.setAuthor(service);
        c.setCommitter(service);
        c.setMessage("Generate a fleet of " + tenants.size() + " tenants\n\nWritten by `ca-provisioner bench --fleet`.\n");
        commit = inserter.insert(c);
        inserter.flush();
      }
      RefUpdate update = repo.updateRef(Constants.R_HEADS + branch);
      update.setNewObjectId(commit);
      update.setForceUpdate(true);
      RefUpdate.Result result = update.update();
      if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED) {
        throw new IOException("cannot point " + branch + " of " + bare + " at the generated commit: " + result);
      }
      return commit;
    } catch (GitAPIException e) {
      throw new IOException("cannot create " + bare + ": " + e.getMessage(), e);
    }
  }

  private static void add(DirCacheBuilder builder, ObjectInserter inserter, String path, byte[] content)
      throws IOException {
    DirCacheEntry entry = new DirCacheEntry(path);
    entry.setFileMode(FileMode.REGULAR_FILE);
    entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, content));
    builder.add(entry);
  }
}
