package io.caprovisioner.render;

import io.caprovisioner.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the gitops templates are read from: the operator's GITOPS_TEMPLATE_DIR, file by file,
 * falling back to the defaults the jar carries under {@code gitops-template/}. Read once at
 * start-up, so operators can change templates without recompiling (a restart applies them).
 */
public final class TemplateSource {
  static final String BUNDLED_ROOT = "gitops-template";
  private static final String SKELETON = "skeleton";

  private final Optional<Path> operatorDir;

  private TemplateSource(Optional<Path> operatorDir) {
    this.operatorDir = operatorDir;
  }

  public static TemplateSource of(Config.Gitops gitops) {
    return new TemplateSource(gitops.templateDir());
  }

  public static TemplateSource bundled() {
    return new TemplateSource(Optional.empty());
  }

  /** A per-tenant template such as {@code application.yaml}. */
  public String read(String name) {
    if (operatorDir.isPresent()) {
      Path file = operatorDir.get().resolve(name);
      if (Files.isRegularFile(file)) {
        try {
          return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new GitopsTemplateException(file + ": cannot read: " + e.getMessage());
        }
      }
    }
    String resource = BUNDLED_ROOT + "/" + name;
    try (InputStream in = TemplateSource.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new GitopsTemplateException("template " + name + " is neither in "
            + operatorDir.map(Path::toString).orElse("GITOPS_TEMPLATE_DIR (unset)") + " nor in the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The files a new gitops repository starts with, by path relative to its root: the operator's
   * {@code skeleton/} folder when there is one (taken whole, not merged), else the jar's.
   */
  public SortedMap<String, byte[]> skeleton() {
    if (operatorDir.isPresent() && Files.isDirectory(operatorDir.get().resolve(SKELETON))) {
      return readTree(operatorDir.get().resolve(SKELETON));
    }
    URL url = TemplateSource.class.getClassLoader().getResource(BUNDLED_ROOT + "/" + SKELETON);
    if (url == null) {
      throw new GitopsTemplateException("the jar carries no " + BUNDLED_ROOT + "/" + SKELETON);
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        return readJar(uri);
      }
      return readTree(Path.of(uri));
    } catch (URISyntaxException | IOException e) {
      throw new GitopsTemplateException("cannot read the skeleton at " + url + ": " + e.getMessage());
    }
  }

  private static SortedMap<String, byte[]> readJar(URI uri) throws IOException {
    FileSystem jar;
    boolean ours;
    try {
      jar = FileSystems.newFileSystem(uri, Map.of());
      ours = true;
    } catch (FileSystemAlreadyExistsException e) {
      jar = FileSystems.getFileSystem(uri);
      ours = false; // another reader holds it open: leave it open
    }
    try {
      return readTree(jar.provider().getPath(uri));
    } finally {
      if (ours) {
        jar.close();
      }
    }
  }

  private static SortedMap<String, byte[]> readTree(Path root) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
        files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new GitopsTemplateException("cannot read the skeleton under " + root + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new GitopsTemplateException("the skeleton under " + root + " is empty");
    }
    return files;
  }
}
