package io.caprovisioner.bench;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * What one {@code bench} run was asked for.
 *
 * @param quick the short run (under 3 minutes here): fewer requests and repetitions, same figures
 * @param fleet with {@code --fleet N}, the fleet size to generate; empty for the standard run
 * @param workDir a fresh, empty folder the run may fill (databases, repositories) and that is
 *     deleted afterwards
 */
public record BenchSettings(boolean quick, OptionalInt fleet, Path workDir) {
}
