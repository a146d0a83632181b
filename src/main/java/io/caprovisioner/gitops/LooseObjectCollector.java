package io.caprovisioner.gitops;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.EmptyProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packs the local clone when loose objects or packs pile up (every batch adds a pack), and the
 * dev-mode local remote, which gets one pack per push.
 *
 * <p>Mostly it merges what piled up into one pack and leaves the big one alone (see {@link
 * PackIncrement}): that costs what the recent batches wrote, not what the fleet holds. Once the
 * merged part outgrows a share of the big pack, a full repack writes a new big one with a fresh
 * bitmap index: that keeps reads across few packs and the walk from the bitmap (after a restart,
 * before the {@link TipBitmapIndex} knows a tip) short.
 *
 * <p>The packing runs on a thread of its own, while the writer goes on committing and pushing: at
 * 100,000 tenants a full repack takes seconds, and on the writer's thread every change that queued
 * behind it waited that long. The writer only asks for one between batches, when every object it
 * wrote is reachable from a ref; see {@link #repack} for why what it writes meanwhile survives.
 */
final class LooseObjectCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LooseObjectCollector.class);
  static final int CHECK_EVERY_COMMITS = 200;
  static final long MAX_LOOSE_OBJECTS = 2_000;
  static final long MAX_PACK_FILES = 50;
  /**
   * A full repack once the objects outside the big pack exceed a quarter of it, or this many
   * (some 7,000 tenant commits): at 100,000 tenants a full repack is 20 s of a core, so every
   * 7,000 commits rather than every few hundred.
   */
  static final long FULL_REPACK_ABOVE_OBJECTS = 40_000;
  /**
   * Packs written less than this before a repack was asked for are kept by it: the file system's
   * clock may lag the JVM's by a tick, and a pack the writer flushed just after the request must
   * never count as an old one.
   */
  private static final Duration CLOCK_MARGIN = Duration.ofSeconds(2);
  /** How long closing waits for a repack to notice it is cancelled. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final LocalClone clone;
  private final LocalRemoteSource localRemote;
  private final ExecutorService packer;
  private final AtomicBoolean packing = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private int changesSinceCheck;

  /** The dev-mode local remote, once there is one. */
  @FunctionalInterface
  interface LocalRemoteSource {
    Optional<LocalBareRemote> get() throws IOException;
  }

  LooseObjectCollector(LocalClone clone, LocalRemoteSource localRemote) {
    this.clone = clone;
    this.localRemote = localRemote;
    this.packer = Executors.newSingleThreadExecutor(run -> {
      Thread thread = new Thread(run, "gitops packer");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Called by the writer between batches, never during one: starts a pack in the background when
   * one is due and none is running. Returns at once.
   */
  void collectIfNeeded(int changes) {
    changesSinceCheck += changes;
    if (changesSinceCheck < CHECK_EVERY_COMMITS || closing.get() || !packing.compareAndSet(false, true)) {
      return;
    }
    changesSinceCheck = 0;
    Instant requested = Instant.now();
    try {
      Repository repository = clone.repository();
      packer.execute(() -> {
        try {
          collect(repository, requested);
        } finally {
          packing.set(false);
        }
      });
    } catch (IOException | RuntimeException e) {
      packing.set(false);
      LOG.warn("gitops gc not started: {}", e.getMessage());
    }
  }

  /** Whether a background pack is under way (for tests, which wait for it to end). */
  boolean packing() {
    return packing.get();
  }

  private void collect(Repository repository, Instant requested) {
    try {
      collect(repository, true, requested.minus(CLOCK_MARGIN), this::cancelled);
      Optional<LocalBareRemote> remote = localRemote.get();
      if (remote.isPresent() && !cancelled()) {
        collect(remote.get().repository(), true, requested.minus(CLOCK_MARGIN), this::cancelled);
      }
    } catch (IOException | RuntimeException e) {
      // a missed gc costs speed, never data: keep writing
      LOG.warn("gitops gc failed: {}", e.getMessage());
    }
  }

  private boolean cancelled() {
    return closing.get();
  }

  /**
   * Packs {@code repository} if it holds more loose objects or packs than it should: merges what
   * lies outside its big pack, or repacks it whole (see {@link #FULL_REPACK_ABOVE_OBJECTS}).
   *
   * @param bitmaps whether the new pack gets a reachability bitmap index. Both get one. In the
   *     clone it is what keeps a push's cost flat: without it JGit's PackWriter finds the objects
   *     to send by marking the whole tree of the remote's tip uninteresting, every tenant folder
   *     of it, which at 100,000 tenants was most of the writer's time (a profile of
   *     {@code bench --fleet}); with it the walk stops at the first tree the bitmap already holds.
   *     (At 10,000 tenants the plain walk was still the cheaper one: 13 ms against 25 ms.)
   * @param replaceWrittenBefore see {@link #repack}
   * @return whether it packed
   */
  static boolean collect(Repository repository, boolean bitmaps, Instant replaceWrittenBefore,
      Cancellation cancellation) throws IOException {
    if (!(repository instanceof FileRepository file)) {
      return false;
    }
    PackIncrement shape = PackIncrement.of(file);
    if (shape.looseObjects() <= MAX_LOOSE_OBJECTS && shape.packCount() <= MAX_PACK_FILES) {
      return false;
    }
    long base = shape.baseObjects();
    if (!bitmaps || base == 0 || shape.incrementObjects() > Math.min(base / 4, FULL_REPACK_ABOVE_OBJECTS)) {
      LOG.info("repacking {} ({} loose objects, {} packs, {} objects outside the big pack)",
          repository.getDirectory(), shape.looseObjects(), shape.packCount(), shape.incrementObjects());
      repack(repository, bitmaps, replaceWrittenBefore, cancellation);
      // a repack keeps unreachable objects loose (one the writer built on may be among them, see
      // repack), and the next check would repack again for them: they go into a pack of their own
      PackIncrement after = PackIncrement.of(file);
      if (after.looseObjects() > MAX_LOOSE_OBJECTS && !cancellation.cancelled()) {
        after.merge(file, replaceWrittenBefore, cancellation);
      }
    } else {
      long merged = shape.merge(file, replaceWrittenBefore, cancellation);
      LOG.info("merged {} objects of {} packs and loose objects of {} into one pack", merged,
          shape.packCount() - 1, repository.getDirectory());
    }
    return true;
  }

  /**
   * Every object reachable from the refs into one new pack, replacing the packs and loose objects
   * that held them. A repack only, not a whole gc: refs are not packed (that would lock the branch
   * the writer is moving) and nothing unreachable is pruned.
   *
   * <p>Safe while the writer goes on: JGit's repack replaces only packs that existed when it
   * started, and of those only packs written before {@code replaceWrittenBefore}, which is when
   * the writer asked for it (less a margin). Then, between two batches, everything in such packs
   * that the writer still needs was reachable from a ref, so it is in the new pack; anything
   * flushed afterwards is in a younger pack, which stays, or loose, and loose objects are only
   * removed once a pack holds them. What a replaced pack held that no ref reaches is loosened, not
   * dropped (JGit's default unless gc.pruneExpire is "now"): a batch built after the request may
   * have found such an object already there and used it.
   */
  static void repack(Repository repository, boolean bitmaps, Instant replaceWrittenBefore,
      Cancellation cancellation)
      throws IOException {
    if (!(repository instanceof FileRepository file)) {
      return;
    }
    GC gc = new GC(file);
    PackConfig config = new PackConfig(repository);
    config.setBuildBitmaps(bitmaps);
    gc.setPackConfig(config);
    gc.setPackExpire(replaceWrittenBefore);
    gc.setProgressMonitor(new EmptyProgressMonitor() {
      @Override
      public boolean isCancelled() {
        return cancellation.cancelled();
      }
    });
    gc.repack();
  }

  /** Asked by a long repack whether to stop: the writer is closing. */
  @FunctionalInterface
  interface Cancellation {
    Cancellation NEVER = () -> false;

    boolean cancelled();
  }

  /**
   * Once, after the first fetch into a clone without a bitmap index (a new clone, or one an
   * earlier version packed without): packs it with one, on the writer's thread before its first
   * push, or every push until the first collection would walk the whole tree.
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
        // nothing else writes to the clone yet: every pack it has is replaced
        repack(repository, true, Instant.now().plus(CLOCK_MARGIN), Cancellation.NEVER);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("gitops gc failed: {}", e.getMessage());
    }
  }

  /** Stops a repack under way (it ends at its next check) and waits for it, before the clone is closed. */
  @Override
  public void close() {
    closing.set(true);
    packer.shutdown();
    try {
      if (!packer.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warn("the gitops packer did not stop within {} s", CLOSE_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
