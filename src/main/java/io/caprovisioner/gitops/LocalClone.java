package io.caprovisioner.gitops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * The bare clone under PROVISIONER_HOME and its two conversations with the remote: fetch the
 * branch, and push a new tip with the old tip we built on as the expected value (compare-and-set,
 * which is what serialises several replicas).
 */
final class LocalClone implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalClone.class);
  private final Path dir;
  private final GitopsRemote remote;
  private final String branchRef;
  private final String trackingRef;
  private Repository repository;
  private PushRepository pushRepository;
  /** Why the last fetch or push could not reach the remote; null once one got through again. */
  private volatile String unreachable;

  LocalClone(Path dir, GitopsRemote remote, String branch) {
    this.dir = dir;
    this.remote = remote;
    this.branchRef = Constants.R_HEADS + branch;
    this.trackingRef = Constants.R_REMOTES + "origin/" + branch;
  }

  Repository repository() throws IOException {
    if (repository == null) {
      if (!Files.exists(dir.resolve("HEAD"))) {
        Files.createDirectories(dir);
        try (Git git = Git.init().setBare(true).setDirectory(dir.toFile())
            .setInitialBranch(branchRef.substring(Constants.R_HEADS.length())).call()) {
          // created; opened below like an existing one
        } catch (GitAPIException e) {
          throw new IOException("cannot create the gitops clone " + dir + ": " + e.getMessage(), e);
        }
      }
      repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    }
    return repository;
  }

  /** The tip we last fetched or pushed; empty before the first fetch or for an empty remote. */
  Optional<ObjectId> knownTip() throws IOException {
    return Optional.ofNullable(repository().resolve(trackingRef));
  }

  /** Fetches the branch; the remote's tip, or empty when the remote has no such branch yet. */
  Optional<ObjectId> fetch() throws IOException {
    Repository repo = repository();
    try (Transport transport = remote.open(repo); FetchConnection connection = transport.openFetch()) {
      Ref tip = connection.getRef(branchRef);
      unreachable = null;
      if (tip == null) {
        return Optional.empty();
      }
      if (!repo.getObjectDatabase().has(tip.getObjectId())) {
        connection.fetch(NullProgressMonitor.INSTANCE, List.of(tip), Set.of());
      }
      setRef(trackingRef, tip.getObjectId());
      setRef(branchRef, tip.getObjectId());
      return Optional.of(tip.getObjectId());
    } catch (TransportException e) {
      throw unavailable("fetch from", e);
    }
  }

  /** Outcome of a push; a rejection means someone else moved the branch first. */
  record PushOutcome(boolean accepted, String detail) {
  }

  /**
   * Pushes {@code newTip} to the branch if the remote still has {@code expectedOld} (zero id:
   * the branch must not exist yet).
   *
   * @param written the objects inserted for the commits from {@code expectedOld} to {@code newTip}
   *     (empty: not known), which the next push's bitmap is built from
   */
  PushOutcome push(ObjectId newTip, ObjectId expectedOld, Set<ObjectId> written) throws IOException {
    repository();
    if (pushRepository == null) {
      pushRepository = new PushRepository(dir);
    }
    PushRepository repo = pushRepository;
    repo.noticeRepack();
    prepareBitmap(repo, expectedOld, newTip, written);
    RemoteRefUpdate update = new RemoteRefUpdate(repo, null, newTip, branchRef, false, trackingRef, expectedOld);
    PushResult result;
    try (Transport transport = remote.open(repo)) {
      result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
    } catch (TransportException e) {
      repo.notPushed();
      throw unavailable("push to", e);
    } catch (IOException | RuntimeException e) {
      repo.notPushed();
      throw e;
    }
    unreachable = null;
    RemoteRefUpdate done = result.getRemoteUpdate(branchRef);
    RemoteRefUpdate.Status status = done == null ? RemoteRefUpdate.Status.NOT_ATTEMPTED : done.getStatus();
    if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
      setRef(trackingRef, newTip);
      rememberForTheNextPush(repo, expectedOld, newTip, written);
      return new PushOutcome(true, status.name());
    }
    repo.notPushed();
    String message = done == null || done.getMessage() == null ? "" : ": " + done.getMessage();
    return new PushOutcome(false, status.name() + message);
  }

  /** The new tip's bitmap, so that JGit need not walk its trees to find what to send; without it JGit walks. */
  private static void prepareBitmap(PushRepository repo, ObjectId base, ObjectId tip, Set<ObjectId> written) {
    try {
      repo.pushing(base, tip, written);
    } catch (IOException | RuntimeException e) {
      repo.notPushed();
      LOG.warn("gitops clone: no bitmap for the tip to push {}: {}", tip.name(), e.toString());
    }
  }

  /** The pushed tip's bitmap; without it the next push only walks further, so a failure here fails nothing. */
  private static void rememberForTheNextPush(PushRepository repo, ObjectId base, ObjectId tip,
      Set<ObjectId> written) {
    try {
      repo.pushed(base, tip, written);
    } catch (IOException | RuntimeException e) {
      repo.forgetTip();
      LOG.warn("gitops clone: no bitmap for the pushed tip {}: {}", tip.name(), e.toString());
    }
  }

  /**
   * Moves the local branch from {@code base} (null: unborn) to {@code tip}, only if nothing else
   * moved it meanwhile: the same compare-and-set the push then asks of the remote.
   */
  void advance(ObjectId base, ObjectId tip) throws IOException {
    RefUpdate update = repository().updateRef(branchRef);
    update.setExpectedOldObjectId(base == null ? ObjectId.zeroId() : base);
    update.setNewObjectId(tip);
    RefUpdate.Result r = update.update();
    if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD) {
      throw new IOException(branchRef + " in " + dir + " moved under the writer (" + r + ")");
    }
  }

  /** The local branch back to {@code tip} (empty: unborn again), after a push that did not happen. */
  void resetBranch(Optional<ObjectId> tip) throws IOException {
    if (tip.isPresent()) {
      setRef(branchRef, tip.get());
      return;
    }
    RefUpdate delete = repository().updateRef(branchRef);
    delete.setForceUpdate(true);
    RefUpdate.Result r = delete.delete();
    if (r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE && r != RefUpdate.Result.NEW) {
      throw new IOException("cannot reset " + branchRef + " in " + dir + ": " + r);
    }
  }

  /** Moves a local ref to what the remote has; only this clone's writer moves them. */
  void setRef(String ref, ObjectId id) throws IOException {
    RefUpdate update = repository().updateRef(ref);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    RefUpdate.Result r = update.update();
    if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE
        && r != RefUpdate.Result.FAST_FORWARD) {
      throw new IOException("cannot move " + ref + " in " + dir + " to " + id.name() + ": " + r);
    }
  }

  String branchRef() {
    return branchRef;
  }

  /** Present while the last conversation with the remote failed to reach it: why. */
  Optional<String> unreachable() {
    return Optional.ofNullable(unreachable);
  }

  private GitopsUnavailableException unavailable(String verb, TransportException e) {
    GitopsUnavailableException failure = new GitopsUnavailableException("cannot " + verb + " the gitops repository "
        + remote.display() + ": " + remote.describe(e), e);
    unreachable = failure.getMessage();
    return failure;
  }

  @Override
  public void close() {
    if (pushRepository != null) {
      pushRepository.close();
    }
    if (repository != null) {
      repository.close();
    }
  }
}
