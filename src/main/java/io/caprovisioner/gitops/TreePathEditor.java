package io.caprovisioner.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Replaces one folder deep inside a tree by rewriting only the trees on its path (root,
 * {@code tenants}, the shard, the tenant): the cost of a commit depends on the size of those few
 * trees, not on the number of tenants. No working tree, no index of the whole repository.
 */
final class TreePathEditor {
  private final ObjectReader reader;
  private final ObjectInserter inserter;

  TreePathEditor(ObjectReader reader, ObjectInserter inserter) {
    this.reader = reader;
    this.inserter = inserter;
  }

  /** A tree of regular files, by name (no '/'). */
  ObjectId insertFlatTree(Map<String, byte[]> files) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      ObjectId blob = inserter.insert(Constants.OBJ_BLOB, file.getValue());
      entries.add(new Entry(file.getKey().getBytes(StandardCharsets.UTF_8), FileMode.REGULAR_FILE, blob));
    }
    entries.sort(Entry::compareTo);
    return insert(entries);
  }

  /**
   * @param root         the current root tree, or null for an empty repository
   * @param folder       e.g. {@code tenants/e5/tenant-ab12cd34}
   * @param replacement  the folder's new tree, or null to remove the folder (and parents left empty)
   * @return the new root tree (the empty tree when nothing is left)
   */
  ObjectId replace(ObjectId root, String folder, ObjectId replacement) throws IOException {
    String[] path = folder.split("/");
    ObjectId result = edit(root, path, 0, replacement);
    return result != null ? result : inserter.insert(new TreeFormatter());
  }

  private ObjectId edit(ObjectId tree, String[] path, int depth, ObjectId replacement) throws IOException {
    List<Entry> entries = read(tree);
    byte[] name = path[depth].getBytes(StandardCharsets.UTF_8);
    int at = -1;
    for (int i = 0; i < entries.size(); i++) {
      if (Arrays.equals(entries.get(i).name, name)) {
        at = i;
        break;
      }
    }
    Entry existing = at >= 0 ? entries.remove(at) : null;
    ObjectId child;
    if (depth == path.length - 1) {
      child = replacement;
    } else {
      ObjectId below = existing != null && isTree(existing.mode) ? existing.id : null;
      child = edit(below, path, depth + 1, replacement);
    }
    if (child != null) {
      entries.add(new Entry(name, FileMode.TREE, child));
      entries.sort(Entry::compareTo);
    }
    // Git stores no empty folders: an emptied folder disappears from its parent
    return entries.isEmpty() ? null : insert(entries);
  }

  private List<Entry> read(ObjectId tree) throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (tree == null) {
      return entries;
    }
    CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, tree);
    for (; !parser.eof(); parser.next()) {
      byte[] name = new byte[parser.getNameLength()];
      parser.getName(name, 0);
      entries.add(new Entry(name, parser.getEntryFileMode(), parser.getEntryObjectId()));
    }
    return entries;
  }

  private ObjectId insert(List<Entry> entries) throws IOException {
    TreeFormatter formatter = new TreeFormatter();
    for (Entry e : entries) {
      formatter.append(e.name, 0, e.name.length, e.mode, e.id);
    }
    return formatter.insertTo(inserter);
  }

  private static boolean isTree(FileMode mode) {
    return mode.getObjectType() == Constants.OBJ_TREE;
  }

  /** A tree entry; ordered as Git orders them (a folder sorts as if its name ended in '/'). */
  private record Entry(byte[] name, FileMode mode, ObjectId id) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry other) {
      int n = Math.min(name.length, other.name.length);
      for (int i = 0; i < n; i++) {
        int c = (name[i] & 0xff) - (other.name[i] & 0xff);
        if (c != 0) {
          return c;
        }
      }
      return lastChar(this, n) - lastChar(other, n);
    }

    private static int lastChar(Entry e, int at) {
      if (at < e.name.length) {
        return e.name[at] & 0xff;
      }
      return isTree(e.mode) ? '/' : 0;
    }
  }
}
