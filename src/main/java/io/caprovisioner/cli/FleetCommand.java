package io.caprovisioner.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar fleet status 3"},
    name = "fleet", description = "Fleet rollouts of a chart version or image, in waves, through the admin API.",
    subcommands = {FleetCommand.Rollout.class, FleetCommand.Status.class, FleetCommand.Resume.class,
        FleetCommand.Abort.class, FleetCommand.Rollback.class, FleetCommand.Drift.class})
final class FleetCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static int printed(FleetApi api, Object answer) {
    if (answer == null) {
      return 1;
    }
    api.print((JsonObject) answer);
    return 0;
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar fleet rollout --image ghcr.io/caprovisioner/providence:2.1.0 "
      + "--all --waves 1,5%,25%,100% --pause 300 --budget 1"},
      name = "rollout", description = "Start a rollout (POST /admin/rollouts) and print its waves.")
  static final class Rollout implements Callable<Integer> {
    @Mixin
    FleetApi api;
    @Option(names = "--image", description = "Target CollectiveAccess image, repository:tag.")
    String image;
    @Option(names = "--chart-version", description = "Target tenant chart version.")
    String chartVersion;
    @Option(names = "--all", description = "Every active tenant.")
    boolean all;
    @Option(names = "--tenant", description = "A tenant id (repeatable); alone.")
    List<Long> tenants = new ArrayList<>();
    @Option(names = "--plan", description = "Only tenants on this plan.")
    String plan;
    @Option(names = "--source", description = "Only stripe or manual tenants.")
    String source;
    @Option(names = "--shard", description = "Only tenants of this gitops shard (two hex digits).")
    String shard;
    @Option(names = "--waves", required = true, split = ",",
        description = "Cumulative wave sizes, a count or a percentage, e.g. 1,5%,25%,100%.")
    List<String> waves;
    @Option(names = "--pause", defaultValue = "0", description = "Seconds between waves (default: ${DEFAULT-VALUE}).")
    int pause;
    @Option(names = "--budget", defaultValue = "0",
        description = "Failed tenants tolerated; one more halts the rollout (default: ${DEFAULT-VALUE}).")
    int budget;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JsonObject selector = new JsonObject();
      if (all) {
        selector.put("all", true);
      }
      if (!tenants.isEmpty()) {
        selector.put("tenants", new JsonArray(new ArrayList<>(tenants)));
      }
      if (plan != null) {
        selector.put("plan", plan);
      }
      if (source != null) {
        selector.put("source", source);
      }
      if (shard != null) {
        selector.put("shard", shard);
      }
      if (selector.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "name the tenants: --all, --tenant ID..., or any of --plan, --source, --shard");
      }
      if (image == null && chartVersion == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a target: --image and/or --chart-version");
      }
      JsonArray wavesJson = new JsonArray();
      for (String w : waves) {
        String s = w.strip();
        wavesJson.add(s.matches("\\d+") ? (Object) Long.parseLong(s) : s);
      }
      JsonObject body = new JsonObject().put("selector", selector).put("waves", wavesJson).put("pause_seconds", pause)
          .put("failure_budget", budget);
      if (image != null) {
        body.put("image", image);
      }
      if (chartVersion != null) {
        body.put("chart_version", chartVersion);
      }
      return printed(api, api.call("POST", "/admin/rollouts", body));
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar fleet status 3"},
      name = "status", description = "A rollout's progress per wave, and every tenant that failed or was skipped.")
  static final class Status implements Callable<Integer> {
    @Mixin
    FleetApi api;
    @Mixin
    RolloutId rollout;

    @Override
    public Integer call() {
      return printed(api, api.call("GET", "/admin/rollouts/" + rollout.id, null));
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar fleet resume 3"},
      name = "resume", description = "Resume a halted rollout; its failure budget counts anew.")
  static final class Resume implements Callable<Integer> {
    @Mixin
    FleetApi api;
    @Mixin
    RolloutId rollout;

    @Override
    public Integer call() {
      return printed(api, api.call("POST", "/admin/rollouts/" + rollout.id + "/resume", null));
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar fleet abort 3"},
      name = "abort", description = "Abort a rollout: tenants waiting for their wave are skipped.")
  static final class Abort implements Callable<Integer> {
    @Mixin
    FleetApi api;
    @Mixin
    RolloutId rollout;

    @Override
    public Integer call() {
      return printed(api, api.call("POST", "/admin/rollouts/" + rollout.id + "/abort", null));
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar fleet rollback 3 --tenant 17"},
      name = "rollback", description = "Roll one tenant of a rollout back to what it ran before (a revert commit).")
  static final class Rollback implements Callable<Integer> {
    @Mixin
    FleetApi api;
    @Mixin
    RolloutId rollout;
    @Option(names = "--tenant", required = true, description = "The tenant's id.")
    long tenant;

    @Override
    public Integer call() {
      return printed(api, api.call("POST", "/admin/rollouts/" + rollout.id + "/tenants/" + tenant + "/rollback", null));
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar fleet drift"},
      name = "drift", description = "Tenants per chart version and image (GET /admin/fleet).")
  static final class Drift implements Callable<Integer> {
    @Mixin
    FleetApi api;

    @Override
    public Integer call() {
      Object answer = api.call("GET", "/admin/fleet", null);
      if (answer == null) {
        return 1;
      }
      JsonObject fleet = (JsonObject) answer;
      for (Object v : fleet.getJsonArray("versions")) {
        JsonObject row = (JsonObject) v;
        api.out().printf("%6d  chart %s%s  image %s%s%n", row.getLong("tenants"), row.getString("chart_version"),
            row.getBoolean("chart_pinned") ? "" : " (default)", row.getString("image"),
            row.getBoolean("image_pinned") ? "" : " (default)");
      }
      return 0;
    }
  }

  /** The positional rollout id of status, resume, abort and rollback. */
  static final class RolloutId {
    @Parameters(paramLabel = "ROLLOUT", description = "The rollout's id.")
    long id;
  }
}
