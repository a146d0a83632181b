package io.caprovisioner.gitops;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.TestProtocol;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;

/**
 * The dev-mode local remote, kept open for the life of the writer and reached in process.
 *
 * <p>A file:// push opens the remote repository afresh every time, and with it reads every pack
 * index it has: at 100,000 tenants an 8.6 MB one on each push, a cost that grew with the fleet
 * (most of what a single commit cost beyond a small repository's, in {@code bench --fleet}). JGit's
 * in-process protocol (named for tests, which is where it is usually needed) serves fetches and
 * pushes from one open repository instead, with the same receive-pack and upload-pack as file://.
 * Not registered globally: only this writer's transports use it.
 */
final class LocalBareRemote implements AutoCloseable {
  private final Repository repository;
  private final TestProtocol<Object> protocol;
  private final URIish internal;

  private LocalBareRemote(Repository repository) {
    this.repository = repository;
    this.protocol = new TestProtocol<>((request, db) -> new UploadPack(db), (request, db) -> new ReceivePack(db));
    this.internal = protocol.register(new Object(), repository);
  }

  /** Opens the bare repository at {@code dir}, which must exist. */
  static LocalBareRemote open(Path dir) throws IOException {
    return new LocalBareRemote(new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().setMustExist(true)
        .build());
  }

  /** The open repository (the collector packs it through this same instance). */
  Repository repository() {
    return repository;
  }

  Transport open(Repository local) throws TransportException {
    try {
      return protocol.open(internal, local, "origin");
    } catch (NotSupportedException e) {
      throw new TransportException(internal, "the in-process remote is not registered", e);
    }
  }

  @Override
  public void close() {
    repository.close();
  }
}
