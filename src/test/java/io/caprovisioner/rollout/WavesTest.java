package io.caprovisioner.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.tenant.Refusal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Wave sizes and the request's checks, as an operator writes them. */
class WavesTest {
  private static JsonArray waves(Object... w) {
    JsonArray a = new JsonArray();
    for (Object o : w) {
      a.add(o);
    }
    return a;
  }

  @Test
  void cumulativeSharesBecomeWaveSizesAndAWaveThatAddsNobodyIsDropped() {
    Waves w = Waves.parse(waves(1, "5%", "25%", "100%"));
    assertThat(w.sizes(20)).containsExactly(1, 4, 15);
    assertThat(w.sizes(1000)).containsExactly(1, 49, 200, 750);
    assertThat(w.sizes(1)).containsExactly(1);
    // rounded up: 5 % of 10 is one tenant, not none
    assertThat(Waves.parse(waves("5%", "100%")).sizes(10)).containsExactly(1, 9);
  }

  @Test
  void wavesThatEndShortShrinkOrAreNotSizesAreRefusedNamingTheEntry() {
    assertThatThrownBy(() -> Waves.parse(waves(1, "25%")).sizes(20)).isInstanceOf(Refusal.class)
        .hasMessageContaining("reach 5 of the 20").hasMessageContaining("100%");
    assertThatThrownBy(() -> Waves.parse(waves(10, "5%", "100%")).sizes(100)).isInstanceOf(Refusal.class)
        .hasMessageContaining("waves[1]");
    assertThatThrownBy(() -> Waves.parse(waves(1, "x"))).hasMessageContaining("waves[1]");
    assertThatThrownBy(() -> Waves.parse(waves(0))).hasMessageContaining("waves[0]");
    assertThatThrownBy(() -> Waves.parse(waves("101%"))).hasMessageContaining("1% to 100%");
    assertThatThrownBy(() -> Waves.parse(waves())).hasMessageContaining("non-empty");
  }

  @Test
  void aRequestNeedsATargetAKnownSelectorAndSaneNumbers() {
    JsonObject ok = new JsonObject().put("image", "registry.example.org/providence:2.1.0")
        .put("selector", new JsonObject().put("plan", "pro")).put("waves", waves("100%"));
    RolloutRequest req = RolloutRequest.parse(ok);
    assertThat(req.image()).contains("registry.example.org/providence:2.1.0");
    assertThat(req.failureBudget()).isZero();
    assertThat(req.pauseSeconds()).isZero();

    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("colour", "red"))).hasMessageContaining("colour");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().putNull("image"))).hasMessageContaining("target");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("image", "repo@sha256:abc")))
        .hasMessageContaining("image");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("chart_version", "-1")))
        .hasMessageContaining("chart_version");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("selector", new JsonObject())))
        .hasMessageContaining("selector");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("selector", new JsonObject().put("all", true)
        .put("plan", "pro")))).hasMessageContaining("selector.all");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("selector", new JsonObject().put("shard", "zz"))))
        .hasMessageContaining("selector.shard");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("selector", new JsonObject()
        .put("tenants", waves(1, 1))))).hasMessageContaining("distinct");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("failure_budget", -1)))
        .hasMessageContaining("failure_budget");
    assertThatThrownBy(() -> RolloutRequest.parse(ok.copy().put("pause_seconds", 1.5)))
        .hasMessageContaining("pause_seconds");
  }
}
