package io.caprovisioner.gitops;

import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.BitmapIndex;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.BitmapWalker;
import org.eclipse.jgit.revwalk.ObjectWalk;

/**
 * The clone's bitmap index, plus the bitmap of the tip pushed last.
 *
 * <p>A push finds what to send by first computing everything the remote's tip reaches. The pack's
 * bitmap index only knows the commits of the last repack, so JGit walked every commit made since
 * then, and each one's tenants/ and shard trees, entry by entry: at 100,000 tenants that was
 * most of a single commit's cost (a profile of {@code bench --fleet}), and it grew with the
 * fleet and with every commit until the next repack. Remembering the bitmap of each tip we push
 * (built from the previous one, so from this batch's commits only) lets the next push's walk stop
 * at once; after a repack it starts again from the new index.
 *
 * <p>Bitmaps combine only within the index that made them: the remembered one is dropped with
 * the index it came from. Used on the writer's thread only.
 */
final class TipBitmapIndex implements BitmapIndex {
  private BitmapIndex packed;
  private ObjectId tip;
  private Bitmap tipBitmap;

  /** The pack's bitmap index changed (a repack): forget everything built on the old one. */
  void reset() {
    packed = null;
    tip = null;
    tipBitmap = null;
  }

  /** This index, or null when the clone has no bitmap index (then JGit walks without one). */
  BitmapIndex over(ObjectReader reader) throws IOException {
    if (packed == null) {
      packed = reader.getBitmapIndex();
    }
    return packed == null ? null : this;
  }

  /** After a push of {@code newTip} was accepted: its bitmap, for the next push's walk. */
  void remember(ObjectReader reader, ObjectId newTip) throws IOException {
    if (over(reader) == null) {
      return;
    }
    try (ObjectWalk walk = new ObjectWalk(reader)) {
      Bitmap bitmap = new BitmapWalker(walk, this, NullProgressMonitor.INSTANCE)
          .findObjects(List.of(newTip), null, false).build();
      tip = newTip.copy();
      tipBitmap = bitmap;
    }
  }

  @Override
  public Bitmap getBitmap(org.eclipse.jgit.lib.AnyObjectId objectId) {
    if (tip != null && tip.equals(objectId)) {
      return tipBitmap;
    }
    return packed.getBitmap(objectId);
  }

  @Override
  public BitmapBuilder newBitmapBuilder() {
    return packed.newBitmapBuilder();
  }
}
