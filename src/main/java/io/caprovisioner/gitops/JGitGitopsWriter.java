package io.caprovisioner.gitops;

import io.caprovisioner.config.Config;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.render.RepositorySkeleton;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes tenant changes to the gitops repository with JGit: one commit per change, built in a
 * bare clone without a working tree, pushed with compare-and-set; on a rejected push (another
 * replica, a merged pull request) the queued changes are re-applied on the fetched tip and pushed
 * again, a bounded number of times with backoff.
 *
 * <p>All Git work runs on one worker thread per clone, off the event loop; changes that queue up
 * while a push is under way go out together in the next push, still one commit each.
 */
public final class JGitGitopsWriter implements GitopsWriter, TenantHistory, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JGitGitopsWriter.class);
  static final int MAX_PUSH_ATTEMPTS = 8;
  /** From this many changes on, a batch's objects are written as one pack. */
  static final int PACKED_BATCH = 10;
  private static final long BACKOFF_BASE_MS = 50;
  private static final long BACKOFF_MAX_MS = 2_000;
  /**
   * The longest a read (the history API) waits for the git thread, which a hung remote can hold
   * for GITOPS_TIMEOUT per call and several calls in a row: well inside the HTTP request limit.
   */
  static final Duration READ_DEADLINE = Duration.ofSeconds(10);
  /** The service's own identity; no person's address ever appears as author. */
  private static final String COMMITTER_NAME = "ca-provisioner";
  static final String COMMITTER_EMAIL = "ca-provisioner@noreply.invalid";
  /**
   * Left in a shard folder whose last tenant is removed. Argo CD's ApplicationSet makes one root
   * Application per folder under tenants/: were the folder to vanish, the root would vanish (or,
   * kept, fail on a missing path) before it pruned the tenant's Application, which would then run
   * on with nothing left to delete it.
   */
  static final String SHARD_KEEP = ".keep";
  private static final byte[] SHARD_KEEP_TEXT = ("Keeps this shard folder, and so its Argo CD root Application, when its "
      + "last tenant is removed; see argocd/applicationset.yaml.\n").getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx;
  private final TenantRenderer renderer;
  private final Config config;
  private final GitopsRemote remote;
  private final LocalClone clone;
  private final WorkerExecutor worker;
  private final Queue<PendingChange> queue = new ConcurrentLinkedQueue<>();
  private final LooseObjectCollector collector;
  private final PushObserver pushes;
  private boolean initialised;

  public JGitGitopsWriter(Vertx vertx, Config config, TenantRenderer renderer) {
    this(vertx, config, renderer, PushObserver.NONE);
  }

  public JGitGitopsWriter(Vertx vertx, Config config, TenantRenderer renderer, PushObserver pushes) {
    this.vertx = vertx;
    this.pushes = pushes;
    this.renderer = renderer;
    this.config = config;
    this.remote = GitopsRemote.of(config, config.gitops().sshKnownHosts());
    Path cloneDir = config.home().resolve("gitops/clone.git").toAbsolutePath().normalize();
    this.clone = new LocalClone(cloneDir, remote, config.gitops().branch());
    // one thread per clone, shared by every writer on it in this process: Git work is serial here
    this.worker = vertx.createSharedWorkerExecutor("gitops " + cloneDir, 1, 10, TimeUnit.MINUTES);
    this.collector = new LooseObjectCollector(clone, remote::localRemote);
  }

  @Override
  public Future<Optional<String>> write(TenantDesired desired, GitChange change) {
    RenderedTenant rendered;
    try {
      rendered = renderer.render(desired);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    SortedMap<String, byte[]> files = new TreeMap<>();
    rendered.files().forEach((name, text) -> files.put(name, text.getBytes(StandardCharsets.UTF_8)));
    return submit(new PendingChange(rendered.directory(), files, CommitMessage.forWrite(desired, change)));
  }

  @Override
  public Future<Optional<String>> remove(TenantNames names, GitChange change) {
    String folder = names.folder();
    return submit(new PendingChange(folder, null, CommitMessage.forRemove(names, change)));
  }

  private Future<Optional<String>> submit(PendingChange change) {
    queue.add(change);
    return worker.executeBlocking(() -> {
      if (!change.done()) {
        // an earlier task may already have carried this change in its push
        drain();
      }
      return change.outcome();
    }, false);
  }

  /** A fetch (the first use: the initial one), on the Git thread like every other conversation with the remote. */
  @Override
  public Future<Void> reachable() {
    return worker.executeBlocking(() -> {
      if (initialised) {
        clone.fetch();
      } else {
        initialise();
      }
      return null;
    }, false);
  }

  @Override
  public Future<List<TenantCommit>> history(TenantNames names, int limit) {
    return readWithin(READ_DEADLINE, () -> {
      Optional<ObjectId> tip = refreshForReading();
      return tip.isEmpty() ? List.of()
          : HistoryReader.history(clone.repository(), tip.get(), names.folder(),
              limit);
    });
  }

  @Override
  public Future<TenantFiles> tenantFiles() {
    return readWithin(READ_DEADLINE, () -> {
      Optional<ObjectId> tip = refreshForReading();
      return tip.isEmpty() ? new TenantFiles(Optional.empty(), List.of())
          : new TenantFiles(Optional.of(tip.get().name()), HistoryReader.tenantFiles(clone.repository(), tip.get()));
    });
  }

  /**
   * {@code read} on the git thread, or a {@link GitopsUnavailableException} after {@code deadline}
   * when that thread is still held by calls to a remote that does not answer. A read whose caller
   * was answered so is skipped when its turn comes, so a hung remote's backlog does not grow.
   */
  private <T> Future<T> readWithin(Duration deadline, java.util.concurrent.Callable<T> read) {
    Promise<T> answer = Promise.promise();
    AtomicBoolean givenUp = new AtomicBoolean();
    long timer = vertx.setTimer(deadline.toMillis(), t -> {
      givenUp.set(true);
      answer.tryFail(new GitopsUnavailableException("the gitops repository " + remote.display()
          + " did not answer within " + deadline.toSeconds() + " s" + clone.unreachable().map(why -> " (" + why + ")")
          .orElse("") + "; the service's git work waits for it, try again later", null));
    });
    worker.executeBlocking(() -> givenUp.get() ? null : read.call(), false).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  /**
   * For the Git import: fetches, then compares the tip with {@code lastImported}. Unlike
   * {@link #tenantFiles()} a failed fetch fails the future (an import must not act on a stale clone
   * without knowing it).
   */
  public Future<BranchSnapshot> snapshot(Optional<String> lastImported) {
    return worker.executeBlocking(() -> {
      Optional<ObjectId> tip = initialised ? clone.fetch() : initialise();
      return tip.isEmpty() ? BranchSnapshot.noBranch()
          : ChangeReader.read(clone.repository(), tip.get(), lastImported, COMMITTER_EMAIL);
    }, false);
  }

  /** Runs on the worker: everything queued goes out in one push. */
  private synchronized void drain() {
    List<PendingChange> batch = new ArrayList<>();
    for (PendingChange c; (c = queue.poll()) != null; ) {
      batch.add(c);
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      List<Optional<String>> shas = writeBatch(batch);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).succeed(shas.get(i));
      }
    } catch (IOException e) {
      RuntimeException failure = new IllegalStateException("gitops clone: " + e.getMessage(), e);
      batch.forEach(c -> c.fail(failure));
    } catch (RuntimeException e) {
      batch.forEach(c -> c.fail(e));
    }
    // here, between batches, everything written is reachable from a ref: the one moment a
    // repack may start (it runs on its own thread, see LooseObjectCollector)
    collector.collectIfNeeded(batch.size());
  }

  private List<Optional<String>> writeBatch(List<PendingChange> batch) throws IOException {
    Optional<ObjectId> base = initialised ? clone.knownTip() : initialise();
    try {
      return pushBatch(base, batch);
    } catch (IOException | RuntimeException e) {
      // the push never happened (remote down), or was declined and the fetch after it could not
      // reach the remote: the branch goes back to what the remote is known to have
      branchBackTo(clone.knownTip(), e);
      throw e;
    }
  }

  /**
   * After a failure with the local branch on a commit the remote never received: left there,
   * every later batch would lose its compare-and-set against it. A failed reset is attached to
   * {@code failure}, which the caller throws, rather than taking its place.
   */
  private void branchBackTo(Optional<ObjectId> tip, Exception failure) {
    try {
      clone.resetBranch(tip);
    } catch (IOException | RuntimeException reset) {
      failure.addSuppressed(reset);
    }
  }

  private List<Optional<String>> pushBatch(Optional<ObjectId> base, List<PendingChange> batch) throws IOException {
    String lastRejection = "";
    for (int attempt = 1; attempt <= MAX_PUSH_ATTEMPTS; attempt++) {
      Built built = build(base.orElse(null), batch);
      if (built.tip() == null || base.isPresent() && built.tip().equals(base.get())) {
        return built.shas(); // every change was already there: no commit, no push
      }
      clone.advance(base.orElse(null), built.tip());
      LocalClone.PushOutcome outcome = timedPush(built, base.orElse(ObjectId.zeroId()));
      if (outcome.accepted()) {
        return built.shas();
      }
      lastRejection = outcome.detail();
      LOG.info("gitops push rejected ({}), attempt {} of {}: re-applying {} change(s) on the new tip",
          lastRejection, attempt, MAX_PUSH_ATTEMPTS, batch.size());
      if (attempt > 1) {
        sleep(backoff(attempt));
      }
      base = clone.fetch();
    }
    throw new GitopsUnavailableException("the gitops repository " + remote.display() + " rejected our push "
        + MAX_PUSH_ATTEMPTS + " times (last: " + lastRejection + "); too much contention or a protected branch",
        null);
  }

  private LocalClone.PushOutcome timedPush(Built built, ObjectId expectedOld) throws IOException {
    long started = System.nanoTime();
    try {
      LocalClone.PushOutcome outcome = clone.push(built.tip(), expectedOld, built.written());
      pushes.pushed(outcome.accepted() ? PushObserver.PushResult.ACCEPTED : PushObserver.PushResult.REJECTED,
          java.time.Duration.ofNanos(System.nanoTime() - started));
      return outcome;
    } catch (IOException | RuntimeException e) {
      pushes.pushed(PushObserver.PushResult.FAILED, java.time.Duration.ofNanos(System.nanoTime() - started));
      throw e;
    }
  }

  /** The first use: create the dev remote if needed, fetch, and start an empty remote from the skeleton. */
  private Optional<ObjectId> initialise() throws IOException {
    remote.ensureLocalRemoteExists(clone.branchRef().substring(Constants.R_HEADS.length()));
    Optional<ObjectId> tip = clone.fetch();
    if (tip.isEmpty()) {
      ObjectId skeleton = skeletonCommit();
      clone.advance(null, skeleton);
      LocalClone.PushOutcome outcome;
      try {
        outcome = clone.push(skeleton, ObjectId.zeroId(), Set.of());
        // rejected: another replica initialised it first, which is just as good
        tip = outcome.accepted() ? Optional.of(skeleton) : clone.fetch();
      } catch (IOException | RuntimeException e) {
        // unborn again, so that the next first use can start from the skeleton once more
        branchBackTo(Optional.empty(), e);
        throw e;
      }
      LOG.info("gitops repository {} initialised from the skeleton: {}", remote.display(), outcome.detail());
    }
    collector.ensureBitmaps();
    initialised = true;
    return tip;
  }

  /**
   * The remote's tip for a read; while the last conversation could not reach the remote, the
   * clone's own (the breaker's probe, the import and the next push look again), so that reads never
   * queue one fetch after another in front of the commits waiting for a hung remote.
   */
  private Optional<ObjectId> refreshForReading() throws IOException {
    if (initialised && clone.unreachable().isPresent()) {
      return clone.knownTip();
    }
    try {
      return initialised ? clone.fetch() : initialise();
    } catch (GitopsUnavailableException e) {
      LOG.warn("{}; answering from the local clone", e.getMessage());
      return clone.knownTip();
    }
  }

  /**
   * The commits for a batch, chained on {@code base}; a change that alters nothing gets no commit.
   *
   * @param written every object inserted while building them, for the push's bitmap
   */
  private record Built(ObjectId tip, List<Optional<String>> shas, Set<ObjectId> written) {
  }

  private Built build(ObjectId base, List<PendingChange> batch) throws IOException {
    Repository repo = clone.repository();
    List<Optional<String>> shas = new ArrayList<>();
    try (RecordingInserter inserter = new RecordingInserter(inserterFor(repo, batch.size()));
        ObjectReader reader = inserter.newReader(); RevWalk walk = new RevWalk(reader)) {
      TreePathEditor editor = new TreePathEditor(reader, inserter);
      ObjectId tip = base;
      ObjectId tree = base == null ? null : walk.parseCommit(base).getTree().getId();
      for (PendingChange change : batch) {
        ObjectId folder = change.files == null ? null : editor.insertFlatTree(change.files);
        ObjectId newTree = editor.replace(tree, change.folder, folder);
        if (change.files == null) {
          newTree = keepShardFolder(editor, reader, newTree, change.folder);
        }
        if (newTree.equals(tree)) {
          shas.add(Optional.empty());
          continue;
        }
        tip = commit(inserter, tip, newTree, change.message);
        tree = newTree;
        shas.add(Optional.of(tip.name()));
      }
      inserter.flush();
      return new Built(tip, shas, inserter.inserted());
    }
  }

  /**
   * A large batch goes into one new pack: as loose objects its thousands of small files (seven
   * per commit) cost more to create, and later to collect, than the commits cost to build. A
   * small one stays loose, or every single write would leave a pack behind for the collector.
   */
  private static ObjectInserter inserterFor(Repository repo, int changes) {
    if (changes >= PACKED_BATCH && repo instanceof FileRepository file) {
      return file.getObjectDatabase().newPackInserter();
    }
    return repo.newObjectInserter();
  }

  /** Also for a folder someone else removed: the service's delete then brings the shard back. */
  private static ObjectId keepShardFolder(TreePathEditor editor, ObjectReader reader, ObjectId tree, String tenantFolder)
      throws IOException {
    String shard = tenantFolder.substring(0, tenantFolder.lastIndexOf('/'));
    try (TreeWalk existing = TreeWalk.forPath(reader, shard, tree)) {
      if (existing != null) {
        return tree;
      }
    }
    return editor.replace(tree, shard, editor.insertFlatTree(Map.of(SHARD_KEEP, SHARD_KEEP_TEXT)));
  }

  private ObjectId skeletonCommit() throws IOException {
    SortedMap<String, byte[]> files = RepositorySkeleton.files(config);
    Repository repo = clone.repository();
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      for (var file : files.entrySet()) {
        DirCacheEntry entry = new DirCacheEntry(file.getKey());
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue()));
        builder.add(entry);
      }
      builder.finish();
      ObjectId commit = commit(inserter, null, index.writeTree(inserter), CommitMessage.forSkeleton());
      inserter.flush();
      return commit;
    }
  }

  private static ObjectId commit(ObjectInserter inserter, ObjectId parent, ObjectId tree, String message)
      throws IOException {
    PersonIdent service = new PersonIdent(COMMITTER_NAME, COMMITTER_EMAIL, Instant.now(), ZoneOffset.UTC);
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    if (parent != null) {
      commit.setParentId(parent);
    }
    commit.setAuthor(service);
    commit.setCommitter(service);
    commit.setEncoding(StandardCharsets.UTF_8);
    commit.setMessage(message);
    return inserter.insert(commit);
  }

  private static long backoff(int attempt) {
    long ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS << Math.min(attempt, 10));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitopsUnavailableException("interrupted while backing off from the gitops remote", e);
    }
  }

  /** The bare clone, for tests that look inside it. */
  Repository cloneRepository() throws IOException {
    return clone.repository();
  }

  /** Whether the clone or the local remote is being repacked in the background just now. */
  boolean packing() {
    return collector.packing();
  }

  @Override
  public void close() {
    worker.close();
    collector.close();
    clone.close();
    remote.close();
  }
}
