package io.caprovisioner.gitops;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.BitmapIndex;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.BitmapWalker;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * The clone's bitmap index, plus the bitmap of the tip pushed last.
 *
 * <p>A push finds what to send by first computing everything the remote's tip reaches. The pack's
 * bitmap index only knows the commits of the last repack, so JGit walked every commit made since
 * then, and each one's tenants/ and shard trees, entry by entry: at 100,000 tenants that was
 * most of a single commit's cost (a profile of {@code bench --fleet}), and it grew with the
 * fleet and with every commit until the next repack. Remembering the bitmap of each tip we push
 * (built from the previous one and this batch's own objects) lets the next push's walk stop at
 * once; after a repack it starts again from the new index.
 *
 * <p>Bitmaps combine only within the index that made them: the remembered one is dropped with
 * the index it came from. Used on the writer's thread only.
 */
final class TipBitmapIndex implements BitmapIndex {
  private BitmapIndex packed;
  private ObjectId tip;
  private Bitmap tipBitmap;
  /** The tip a push under way is sending, with its bitmap: JGit's walk for what to send then stops at once too. */
  private ObjectId pending;
  private Bitmap pendingBitmap;

  /** The pack's bitmap index changed (a repack): forget everything built on the old one. */
  void reset() {
    packed = null;
    tip = null;
    tipBitmap = null;
    dropPending();
  }

  /** The push of the pending tip was not accepted. */
  void dropPending() {
    pending = null;
    pendingBitmap = null;
  }

  /**
   * Before a push of {@code newTip} on {@code base}: its bitmap, when {@code base} is the tip
   * remembered last (see {@link #remember}). Without it JGit walks the new commits' trees to
   * find what to send, asking the pack's index about every entry: at 100,000 tenants most of a
   * single commit's cost (a profile of {@code bench --fleet}).
   */
  void prepare(ObjectReader reader, ObjectId base, ObjectId newTip, Set<ObjectId> written) throws IOException {
    dropPending();
    if (over(reader) == null || tip == null || !tip.equals(base) || !written.contains(newTip)) {
      return;
    }
    Bitmap bitmap = extended(reader, base, newTip, written);
    if (bitmap != null) {
      pending = newTip.copy();
      pendingBitmap = bitmap;
    }
  }

  /** This index, or null when the clone has no bitmap index (then JGit walks without one). */
  BitmapIndex over(ObjectReader reader) throws IOException {
    if (packed == null) {
      packed = reader.getBitmapIndex();
    }
    return packed == null ? null : this;
  }

  /**
   * After a push of {@code newTip} on {@code base} was accepted: its bitmap, for the next push's
   * walk. When {@code base} is the tip remembered last, that is its bitmap plus the objects of
   * the new commits, found among {@code written} alone: an entry of a new tree that was not
   * written this batch came from {@code base}'s trees, so the bitmap has it already. This reads
   * only the batch's own trees and asks the pack's index nothing per entry.
   */
  void remember(ObjectReader reader, ObjectId base, ObjectId newTip, Set<ObjectId> written) throws IOException {
    if (over(reader) == null) {
      return;
    }
    Bitmap bitmap = newTip.equals(pending) ? pendingBitmap
        : tip != null && tip.equals(base) && written.contains(newTip) ? extended(reader, base, newTip, written)
        : null;
    dropPending();
    if (bitmap == null) {
      try (ObjectWalk walk = new ObjectWalk(reader)) {
        bitmap = new BitmapWalker(walk, this, NullProgressMonitor.INSTANCE)
            .findObjects(List.of(newTip), null, false).build();
      }
    }
    tip = newTip.copy();
    tipBitmap = bitmap;
  }

  /** The remembered bitmap plus what the commits from {@code base} to {@code newTip} added; null if they are not all ours. */
  private Bitmap extended(ObjectReader reader, ObjectId base, ObjectId newTip, Set<ObjectId> written)
      throws IOException {
    BitmapBuilder builder = packed.newBitmapBuilder().or(tipBitmap);
    Set<ObjectId> visited = new HashSet<>();
    try (RevWalk walk = new RevWalk(reader)) {
      ObjectId commit = newTip;
      while (!commit.equals(base)) {
        if (!written.contains(commit)) {
          return null;
        }
        RevCommit parsed = walk.parseCommit(commit);
        builder.addObject(commit, Constants.OBJ_COMMIT);
        addTree(reader, parsed.getTree(), written, visited, builder);
        if (parsed.getParentCount() != 1) {
          return null;
        }
        commit = parsed.getParent(0);
      }
    }
    return builder.build();
  }

  private static void addTree(ObjectReader reader, ObjectId tree, Set<ObjectId> written, Set<ObjectId> visited,
      BitmapBuilder builder) throws IOException {
    if (!written.contains(tree) || !visited.add(tree)) {
      return;
    }
    builder.addObject(tree, Constants.OBJ_TREE);
    CanonicalTreeParser entries = new CanonicalTreeParser(null, reader, tree);
    for (; !entries.eof(); entries.next()) {
      ObjectId id = entries.getEntryObjectId();
      if (entries.getEntryFileMode().getObjectType() == Constants.OBJ_TREE) {
        addTree(reader, id, written, visited, builder);
      } else if (written.contains(id) && visited.add(id)) {
        builder.addObject(id, Constants.OBJ_BLOB);
      }
    }
  }

  @Override
  public Bitmap getBitmap(org.eclipse.jgit.lib.AnyObjectId objectId) {
    if (tip != null && tip.equals(objectId)) {
      return tipBitmap;
    }
    if (pending != null && pending.equals(objectId)) {
      return pendingBitmap;
    }
    return packed.getBitmap(objectId);
  }

  @Override
  public BitmapBuilder newBitmapBuilder() {
    return packed.newBitmapBuilder();
  }
}
