package io.caprovisioner.gitops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packs the local clone when loose objects pile up (every commit adds a handful), and the
 * dev-mode local remote, which gets one pack per push. Runs on the writer's worker thread between
 * batches, so it never races a commit in this process.
 */
final class LooseObjectCollector {
  private static final Logger LOG = LoggerFactory.getLogger(LooseObjectCollector.class);
  static final int CHECK_EVERY_COMMITS = 200;
  static final long MAX_LOOSE_OBJECTS = 2_000;
  static final long MAX_PACK_FILES = 50;
  /** Commits after which the clone is packed anyway, to put its bitmap on the new tip. */
  static final int REPACK_AFTER_COMMITS = 500;

  private final LocalClone clone;
  private final Optional<Path> localRemote;
  private int changesSinceCheck;
  private int changesSincePack;

  LooseObjectCollector(LocalClone clone, Optional<Path> localRemote) {
    this.clone = clone;
    this.localRemote = localRemote;
  }

  void collectIfNeeded(int changes) {
    changesSinceCheck += changes;
    changesSincePack += changes;
    if (changesSinceCheck < CHECK_EVERY_COMMITS) {
      return;
    }
    changesSinceCheck = 0;
    try {
      if (changesSincePack >= REPACK_AFTER_COMMITS) {
        // a push's bitmap walk reads every commit made since the bitmap was written, each with
        // its tenants/ tree: after a burst or a rollout that is thousands, on every later push
        LOG.info("packing {} after {} commits, for a fresh bitmap index", clone.repository().getDirectory(),
            changesSincePack);
        forceCollect(clone.repository());
        changesSincePack = 0;
      } else if (collect(clone.repository(), true)) {
        changesSincePack = 0;
      }
      if (localRemote.isPresent()) {
        try (Repository remote = new FileRepositoryBuilder().setGitDir(localRemote.get().toFile()).setBare().build()) {
          collect(remote, true);
        }
      }
    } catch (IOException | GitAPIException | RuntimeException e) {
      // a missed gc costs speed, never data: keep writing
      LOG.warn("gitops gc failed: {}", e.getMessage());
    }
  }

  /**
   * @param bitmaps whether the new pack gets a reachability bitmap index. Both get one. In the
   *     clone it is what keeps a push's cost flat: without it JGit's PackWriter finds the objects
   *     to send by marking the whole tree of the remote's tip uninteresting, every tenant folder
   *     of it, which at 100,000 tenants was most of the writer's time (a profile of
   *     {@code bench --fleet}); with it the walk stops at the first tree the bitmap already holds.
   *     (At 10,000 tenants the plain walk was still the cheaper one: 13 ms against 25 ms.)
   * @return whether it packed
   */
  static boolean collect(Repository repository, boolean bitmaps) throws GitAPIException {
    try (Git git = new Git(repository)) {
      Properties stats = git.gc().getStatistics();
      long loose = number(stats, "numberOfLooseObjects");
      long packs = number(stats, "numberOfPackFiles");
      if (loose <= MAX_LOOSE_OBJECTS && packs <= MAX_PACK_FILES) {
        return false;
      }
      LOG.info("packing {} ({} loose objects, {} packs)", repository.getDirectory(), loose, packs);
      // JGit keeps replaced packs for an hour by default, so packs would only pile up between
      // checks; readers that lose a pack rescan and find the objects in the new one
      repository.getConfig().setString(ConfigConstants.CONFIG_GC_SECTION, null,
          ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE, "now");
      // read when the command is created, so set first
      repository.getConfig().setBoolean(ConfigConstants.CONFIG_PACK_SECTION, null,
          ConfigConstants.CONFIG_KEY_BUILD_BITMAPS, bitmaps);
      git.gc().call();
      return true;
    }
  }

  /**
   * Once, after the first fetch into a clone without a bitmap index (a new clone, or one an
   * earlier version packed without): packs it with one, or every push until the first collection
   * would walk the whole tree.
   */
  void ensureBitmaps() {
    try {
      Repository repository = clone.repository();
      boolean hasBitmaps;
      try (org.eclipse.jgit.lib.ObjectReader reader = repository.newObjectReader()) {
        hasBitmaps = reader.getBitmapIndex() != null;
      }
      if (!hasBitmaps && repository.resolve(Constants.HEAD) != null) {
        LOG.info("packing {} with a bitmap index", repository.getDirectory());
        forceCollect(repository);
      }
    } catch (IOException | GitAPIException | RuntimeException e) {
      LOG.warn("gitops gc failed: {}", e.getMessage());
    }
  }

  private static void forceCollect(Repository repository) throws GitAPIException {
    repository.getConfig().setString(ConfigConstants.CONFIG_GC_SECTION, null,
        ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE, "now");
    repository.getConfig().setBoolean(ConfigConstants.CONFIG_PACK_SECTION, null,
        ConfigConstants.CONFIG_KEY_BUILD_BITMAPS, true);
    try (Git git = new Git(repository)) {
      git.gc().call();
    }
  }

  private static long number(Properties stats, String key) {
    Object value = stats.get(key);
    return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value == null ? 0 : value));
  }
}
