package io.caprovisioner.gitops;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * An inserter that keeps the ids of what it was given, so that the push after a batch can add
 * exactly those objects to the tip's bitmap (see {@link TipBitmapIndex#remember}) instead of
 * finding them by walking the new trees.
 */
final class RecordingInserter extends ObjectInserter.Filter {
  private final ObjectInserter inserter;
  private final Set<ObjectId> inserted = new HashSet<>();

  RecordingInserter(ObjectInserter inserter) {
    this.inserter = inserter;
  }

  @Override
  protected ObjectInserter delegate() {
    return inserter;
  }

  /** Whatever was inserted, including objects the repository already had. */
  Set<ObjectId> inserted() {
    return Set.copyOf(inserted);
  }

  @Override
  public ObjectId insert(int type, byte[] data) throws IOException {
    return kept(inserter.insert(type, data));
  }

  @Override
  public ObjectId insert(int type, byte[] data, int off, int len) throws IOException {
    return kept(inserter.insert(type, data, off, len));
  }

  @Override
  public ObjectId insert(int objectType, long length, InputStream in) throws IOException {
    return kept(inserter.insert(objectType, length, in));
  }

  private ObjectId kept(ObjectId id) {
    inserted.add(id.copy());
    return id;
  }
}
