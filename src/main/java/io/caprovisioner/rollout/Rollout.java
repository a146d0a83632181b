package io.caprovisioner.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A stored rollout.
 *
 * @param currentWave  the newest wave started, 0 before the first
 * @param budgetBase   failures counted before the last resume: the budget counts from there
 * @param nextWaveAt   set when a wave settled: the pause ends then and the next one starts
 */
public record Rollout(long id, Optional<String> chartVersion, Optional<String> image, JsonObject selector,
    JsonArray waves, int waveCount, int pauseSeconds, int failureBudget, int budgetBase, RolloutState state,
    int currentWave, Optional<OffsetDateTime> nextWaveAt, Optional<String> haltedReason, String requestedBy,
    OffsetDateTime createdAt, OffsetDateTime updatedAt, Optional<OffsetDateTime> finishedAt) {
}
