package io.caprovisioner.rollout;

import io.caprovisioner.lifecycle.LifecycleException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure: wave sizes as an operator writes them, each a cumulative share of the selected tenants: a
 * number of tenants ({@code 1}) or a percentage ({@code "25%"}), e.g. {@code [1, "5%", "25%", "100%"]}.
 * A wave that adds nobody (5 % of 20 is the one tenant the first wave took) is dropped; the last
 * must reach every selected tenant.
 */
public final class Waves {
  private static final Pattern PERCENT = Pattern.compile("^(\\d{1,3})%$");
  private static final int MAX_WAVES = 50;
  private final List<Object> steps;

  private Waves(List<Object> steps) {
    this.steps = steps;
  }

  /** @throws LifecycleException (400) naming the entry that is wrong */
  public static Waves parse(JsonArray waves) {
    if (waves == null || waves.isEmpty()) {
      throw LifecycleException.invalid("waves must be a non-empty array, e.g. [1, \"5%\", \"25%\", \"100%\"]");
    }
    if (waves.size() > MAX_WAVES) {
      throw LifecycleException.invalid("at most " + MAX_WAVES + " waves");
    }
    List<Object> steps = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      Object w = waves.getValue(i);
      if (w instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 1) {
        steps.add(n.longValue());
      } else if (w instanceof String s && PERCENT.matcher(s.strip()).matches()) {
        Matcher m = PERCENT.matcher(s.strip());
        m.matches();
        int percent = Integer.parseInt(m.group(1));
        if (percent < 1 || percent > 100) {
          throw LifecycleException.invalid("waves[" + i + "]: a percentage is 1% to 100%, not " + s);
        }
        steps.add(s.strip());
      } else {
        throw LifecycleException.invalid("waves[" + i + "] must be a number of tenants (1 or more) or a percentage"
            + " such as \"25%\", not " + w);
      }
    }
    return new Waves(steps);
  }

  /**
   * How many tenants each wave upgrades, of {@code total} selected; never an empty wave.
   *
   * @throws LifecycleException (400) when the waves end short of {@code total} or shrink
   */
  public List<Integer> sizes(int total) {
    List<Integer> sizes = new ArrayList<>();
    int reached = 0;
    for (int i = 0; i < steps.size(); i++) {
      int cumulative = cumulative(steps.get(i), total);
      if (cumulative < reached) {
        throw LifecycleException.invalid("waves[" + i + "] (" + steps.get(i) + ") is smaller than the wave before:"
            + " each wave is the cumulative share of the selected tenants");
      }
      if (cumulative > reached) {
        sizes.add(cumulative - reached);
        reached = cumulative;
      }
    }
    if (reached < total) {
      throw LifecycleException.invalid("the waves reach " + reached + " of the " + total
          + " selected tenants; end them with \"100%\"");
    }
    return sizes;
  }

  private static int cumulative(Object step, int total) {
    if (step instanceof Long n) {
      return (int) Math.min(n, total);
    }
    int percent = Integer.parseInt(((String) step).replace("%", ""));
    // rounded up: 5 % of 10 tenants is one, not none
    return (int) Math.min(total, (total * (long) percent + 99) / 100);
  }
}
