package io.caprovisioner.gitops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.StoredObjectRepresentationNotAvailableException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.pack.CachedPack;
import org.eclipse.jgit.internal.storage.pack.ObjectReuseAsIs;
import org.eclipse.jgit.internal.storage.pack.ObjectToPack;
import org.eclipse.jgit.internal.storage.pack.PackOutputStream;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.BitmapIndex;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The bare clone opened a second time, for pushes only: its readers answer the
 * {@link TipBitmapIndex}, so the objects to send are found from the tip pushed last rather than
 * from the last repack. Everything else (reuse of packed objects as they are) is the plain
 * reader's. Used on the writer's thread only.
 */
final class PushRepository extends FileRepository {
  private final TipBitmapIndex bitmaps = new TipBitmapIndex();
  private final Path packDir;
  private Set<String> bitmapFiles = Set.of();

  PushRepository(Path dir) throws IOException {
    super(new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().setup());
    this.packDir = dir.resolve("objects/pack");
  }

  /** Before a push: a repack since the last one replaced the bitmap index, so start from the new one. */
  void noticeRepack() throws IOException {
    Set<String> now = new TreeSet<>();
    if (Files.isDirectory(packDir)) {
      try (Stream<Path> files = Files.list(packDir)) {
        files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".bitmap")).forEach(now::add);
      }
    }
    if (!now.equals(bitmapFiles)) {
      bitmapFiles = Set.copyOf(now);
      bitmaps.reset();
      // rescans the pack folder on the next read, so that the new pack and its index are used
      getObjectDatabase().close();
    }
  }

  /** Before a push; see {@link TipBitmapIndex#prepare}. */
  void pushing(ObjectId base, ObjectId tip, Set<ObjectId> written) throws IOException {
    try (ObjectReader reader = super.newObjectReader()) {
      bitmaps.prepare(reader, base, tip, written);
    }
  }

  /** The push was rejected or did not happen. */
  void notPushed() {
    bitmaps.dropPending();
  }

  /** After an accepted push; see {@link TipBitmapIndex#remember}. */
  void pushed(ObjectId base, ObjectId tip, Set<ObjectId> written) throws IOException {
    try (ObjectReader reader = super.newObjectReader()) {
      bitmaps.remember(reader, base, tip, written);
    }
  }

  /** After a failure to remember: the next push walks from the pack's bitmaps again. */
  void forgetTip() {
    bitmaps.reset();
  }

  @Override
  public ObjectReader newObjectReader() {
    return new TipReader(super.newObjectReader());
  }

  /** The plain reader with the tip's bitmap; reuse-as-is goes straight to the plain one. */
  private final class TipReader extends ObjectReader.Filter implements ObjectReuseAsIs {
    private final ObjectReader plain;
    private final ObjectReuseAsIs reuse;

    TipReader(ObjectReader plain) {
      this.plain = plain;
      this.reuse = (ObjectReuseAsIs) plain;
    }

    @Override
    protected ObjectReader delegate() {
      return plain;
    }

    @Override
    public BitmapIndex getBitmapIndex() throws IOException {
      return bitmaps.over(plain);
    }

    @Override
    public ObjectToPack newObjectToPack(AnyObjectId objectId, int type) {
      return reuse.newObjectToPack(objectId, type);
    }

    @Override
    public void selectObjectRepresentation(PackWriter packer, ProgressMonitor monitor, Iterable<ObjectToPack> objects)
        throws IOException {
      reuse.selectObjectRepresentation(packer, monitor, objects);
    }

    @Override
    public void writeObjects(PackOutputStream out, List<ObjectToPack> list) throws IOException {
      reuse.writeObjects(out, list);
    }

    @Override
    public void copyObjectAsIs(PackOutputStream out, ObjectToPack otp, boolean validate)
        throws IOException, StoredObjectRepresentationNotAvailableException {
      reuse.copyObjectAsIs(out, otp, validate);
    }

    @Override
    public void copyPackAsIs(PackOutputStream out, CachedPack pack) throws IOException {
      reuse.copyPackAsIs(out, pack);
    }

    @Override
    public Collection<CachedPack> getCachedPacksAndUpdate(BitmapIndex.BitmapBuilder needBitmap) throws IOException {
      return reuse.getCachedPacksAndUpdate(needBitmap);
    }
  }
}
