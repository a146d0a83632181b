package io.caprovisioner.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Data kept upstream of this repository, in {@code ../shared} beside the project (the CRDs of
 * Argo CD and Flux, real Stripe events). A plain clone has no such folder: the tests that need it
 * are skipped with one line naming it, so the README's {@code mvn -B verify} passes there, while
 * {@code .ci/run} refuses to start without it, so CI never skips them.
 */
public final class UpstreamData {
  /** Relative to the project root, where Maven runs the tests. */
  public static final Path SHARED = Path.of("..", "shared");

  private UpstreamData() {
  }

  public static boolean present(String relative) {
    return Files.isDirectory(SHARED.resolve(relative));
  }

  /** {@code ../shared/<relative>}, or the calling test (or class, from {@code @BeforeAll}) is skipped. */
  public static Path folder(String relative) {
    Path dir = SHARED.resolve(relative);
    Assumptions.assumeTrue(Files.isDirectory(dir), () -> "skipped: " + dir + " is missing (upstream test data,"
        + " expected at " + dir.toAbsolutePath().normalize() + "; .ci/run requires it)");
    return dir;
  }
}
