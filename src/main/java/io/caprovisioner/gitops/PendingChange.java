package io.caprovisioner.gitops;

import java.util.Optional;
import java.util.SortedMap;

/**
 * One queued tenant change: the folder's new files (or its removal) and the commit message. The
 * writer applies it to whatever the branch tip is when its turn comes, so it can be re-applied
 * after another replica's push. Holds its outcome for the caller once written.
 *
 * @param files null to remove the folder
 */
final class PendingChange {
  final String folder;
  final SortedMap<String, byte[]> files;
  final String message;
  private boolean done;
  private Optional<String> sha = Optional.empty();
  private RuntimeException failure;

  PendingChange(String folder, SortedMap<String, byte[]> files, String message) {
    this.folder = folder;
    this.files = files;
    this.message = message;
  }

  synchronized boolean done() {
    return done;
  }

  synchronized void succeed(Optional<String> commit) {
    this.sha = commit;
    this.done = true;
  }

  synchronized void fail(RuntimeException e) {
    this.failure = e;
    this.done = true;
  }

  /** The commit sha (empty: nothing changed), or the failure thrown. */
  synchronized Optional<String> outcome() {
    if (failure != null) {
      throw failure;
    }
    return sha;
  }
}
