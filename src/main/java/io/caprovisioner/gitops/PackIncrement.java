package io.caprovisioner.gitops;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.internal.storage.file.Pack;
import org.eclipse.jgit.internal.storage.file.PackFile;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.internal.storage.pack.PackExt;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.EmptyProgressMonitor;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.pack.PackConfig;

/**
 * What a repository holds besides its base (the pack a full repack wrote, the one with the
 * bitmap index), and the merge of all that into one pack while the base stays as it is.
 *
 * <p>A full repack rewrites every object: at 100,000 tenants some 300,000 objects and 150 MB,
 * 20 s of a core, and the commits made meanwhile took ten times as long (the packer, the garbage
 * it made and the writer shared two cores; {@code bench --fleet} after a burst of 1,000). What
 * piles up between repacks is the packs each batch and each push add: merging only those costs
 * what they hold, whatever the fleet's size. It copies every object of the packs it replaces,
 * reachable or not, so nothing the writer might still need can be lost; the unreachable ones go
 * at the next full repack.
 */
final class PackIncrement {
  /** Packs kept as they are: those with a bitmap index, and those a receive is still writing (.keep). */
  private final List<Pack> base = new ArrayList<>();
  private final List<Pack> increments = new ArrayList<>();
  private final List<Path> loose = new ArrayList<>();
  private long baseObjects;
  private long incrementObjects;

  private PackIncrement() {
  }

  /** The repository's packs and loose objects as they are now. */
  static PackIncrement of(FileRepository repository) throws IOException {
    PackIncrement shape = new PackIncrement();
    for (Pack pack : repository.getObjectDatabase().getPacks()) {
      long objects = pack.getIndex().getObjectCount();
      if (pack.shouldBeKept() || pack.getPackFile().create(PackExt.BITMAP_INDEX).exists()) {
        shape.base.add(pack);
        shape.baseObjects += objects;
      } else {
        shape.increments.add(pack);
        shape.incrementObjects += objects;
      }
    }
    Path objects = repository.getObjectsDirectory().toPath();
    try (Stream<Path> fanout = Files.list(objects)) {
      for (Path dir : fanout.filter(d -> d.getFileName().toString().matches("[0-9a-f]{2}")).toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{38}")).forEach(shape.loose::add);
        }
      }
    }
    return shape;
  }

  int packCount() {
    return base.size() + increments.size();
  }

  int looseObjects() {
    return loose.size();
  }

  /** Objects in the base packs; 0 when there is no base (never repacked, or packed without a bitmap). */
  long baseObjects() {
    return baseObjects;
  }

  /** Objects outside the base: in the other packs and loose. */
  long incrementObjects() {
    return incrementObjects + loose.size();
  }

  /**
   * Writes every object of the packs outside the base that were written before {@code
   * replaceWrittenBefore}, and every loose object, into one new pack, then deletes what it
   * replaced. Younger packs stay (the writer may have flushed one since the merge was asked for;
   * see {@link LooseObjectCollector#repack}). Returns the objects it packed.
   */
  long merge(FileRepository repository, Instant replaceWrittenBefore, LooseObjectCollector.Cancellation cancellation)
      throws IOException {
    List<Pack> replaced = new ArrayList<>();
    for (Pack pack : increments) {
      if (Files.getLastModifiedTime(pack.getPackFile().toPath()).toInstant().isBefore(replaceWrittenBefore)) {
        replaced.add(pack);
      }
    }
    Set<ObjectId> ids = new LinkedHashSet<>();
    for (Pack pack : replaced) {
      for (PackIndex.MutableEntry entry : pack) {
        ids.add(entry.toObjectId());
      }
    }
    List<Path> looseReplaced = new ArrayList<>();
    for (Path file : loose) {
      if (Files.exists(file)) {
        ids.add(ObjectId.fromString(file.getParent().getFileName().toString() + file.getFileName()));
        looseReplaced.add(file);
      }
    }
    for (Pack pack : base) {
      ids.removeIf(id -> has(pack, id));
    }
    if (replaced.size() + looseReplaced.size() <= 1) {
      return 0; // one pack already, or nothing
    }
    String written = ids.isEmpty() ? "" : write(repository, ids, cancellation);
    for (Pack pack : replaced) {
      // the same objects give the same name: then the new pack is this one, which stays
      if (!pack.getPackFile().getId().equals(written)) {
        pack.close();
        delete(pack.getPackFile());
      }
    }
    // the loose objects we packed, now in the new pack; ones written since stay
    new GC(repository).prunePacked();
    repository.getObjectDatabase().close();
    return ids.size();
  }

  private static boolean has(Pack pack, ObjectId id) {
    try {
      return pack.hasObject(id);
    } catch (IOException e) {
      return false;
    }
  }

  /** Returns the new pack's name. */
  private static String write(FileRepository repository, Set<ObjectId> ids, LooseObjectCollector.Cancellation cancellation)
      throws IOException {
    File packDir = repository.getObjectDatabase().getPackDirectory();
    packDir.mkdirs();
    ProgressMonitor monitor = new EmptyProgressMonitor() {
      @Override
      public boolean isCancelled() {
        return cancellation.cancelled();
      }
    };
    File tmpPack = File.createTempFile("merge_", ".pack_tmp", packDir);
    File tmpIdx = new File(packDir, tmpPack.getName().replace(".pack_tmp", ".idx_tmp"));
    try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader);
        PackWriter writer = new PackWriter(new PackConfig(repository), reader)) {
      writer.setDeltaBaseAsOffset(true);
      List<RevObject> objects = new ArrayList<>(ids.size());
      for (ObjectId id : ids) {
        objects.add(walk.lookupAny(id, reader.open(id).getType()));
      }
      Iterator<RevObject> source = objects.iterator();
      writer.preparePack(source);
      try (FileOutputStream out = new FileOutputStream(tmpPack); FileChannel channel = out.getChannel();
          OutputStream stream = Channels.newOutputStream(channel)) {
        writer.writePack(monitor, NullProgressMonitor.INSTANCE, stream);
        channel.force(true);
      }
      try (FileOutputStream out = new FileOutputStream(tmpIdx); FileChannel channel = out.getChannel();
          OutputStream stream = Channels.newOutputStream(channel)) {
        writer.writeIndex(stream);
        channel.force(true);
      }
      PackFile pack = new PackFile(packDir, writer.computeName(), PackExt.PACK);
      if (!pack.exists()) {
        // the index last: a reader scanning the folder sees the pack only once it is whole
        Files.move(tmpPack.toPath(), pack.toPath(), StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpIdx.toPath(), pack.create(PackExt.INDEX).toPath(), StandardCopyOption.ATOMIC_MOVE);
      }
      return pack.getId();
    } finally {
      Files.deleteIfExists(tmpPack.toPath());
      Files.deleteIfExists(tmpIdx.toPath());
    }
  }

  /** The pack first: without its .pack file the others are orphans, never the other way round. */
  private static void delete(PackFile pack) throws IOException {
    Files.deleteIfExists(pack.toPath());
    for (PackExt ext : PackExt.values()) {
      if (ext != PackExt.PACK) {
        Files.deleteIfExists(pack.create(ext).toPath());
      }
    }
  }
}
