package io.caprovisioner.gitimport;

import io.caprovisioner.gitops.BranchSnapshot;
import io.vertx.core.Future;
import java.util.Optional;

/** Fetches the gitops branch and compares it with the last imported commit ({@code JGitGitopsWriter::snapshot}). */
@FunctionalInterface
public interface BranchSource {
  /** Fails when the repository cannot be reached: the import then does nothing. */
  Future<BranchSnapshot> snapshot(Optional<String> lastImported);
}
