package io.caprovisioner.tenant;

import java.time.Duration;
import java.util.List;

/**
 * What a customer buys: the resources of their site and the CollectiveAccess installation
 * profile. Plans come from configuration (PLANS_FILE), never from code.
 *
 * @param name           e.g. {@code pro}; also the value of the chart's {@code plan.name}
 * @param monthlyPrice   in minor units (cents)
 * @param storage        media volume size, a Kubernetes quantity such as {@code 20Gi}
 * @param caProfile      CollectiveAccess installation profile for {@code caUtils install}
 * @param stripePriceIds Stripe price ids that buy this plan
 * @param backups        how often the service backs the site up, and how many of those it keeps
 */
public record Plan(String name, String displayName, long monthlyPrice, String currency, Resources resources,
    String storage, String caProfile, List<String> stripePriceIds, BackupPolicy backups) {

  public Plan {
    stripePriceIds = List.copyOf(stripePriceIds);
  }

  /** Without a backup policy of its own: {@link BackupPolicy#DEFAULT}. */
  public Plan(String name, String displayName, long monthlyPrice, String currency, Resources resources,
      String storage, String caProfile, List<String> stripePriceIds) {
    this(name, displayName, monthlyPrice, currency, resources, storage, caProfile, stripePriceIds,
        BackupPolicy.DEFAULT);
  }

  /**
   * Scheduled backups: one {@code every} so long after the last, the newest {@code keep} of them
   * kept. On-demand and pre-upgrade backups are kept as long as the scheduled ones reach back
   * ({@link #window()}).
   */
  public record BackupPolicy(Duration every, int keep) {
    public static final Duration SHORTEST = Duration.ofHours(1);
    /** Daily, two weeks kept: what a catalogue of a museum can afford to lose at most is one day. */
    public static final BackupPolicy DEFAULT = new BackupPolicy(Duration.ofHours(24), 14);

    public BackupPolicy {
      if (every.compareTo(SHORTEST) < 0) {
        throw new IllegalArgumentException("backups.every must be at least 1h, not " + every);
      }
      if (keep < 1) {
        throw new IllegalArgumentException("backups.keep must be at least 1, not " + keep);
      }
    }

    /** How far back the kept scheduled backups reach. */
    public Duration window() {
      return every.multipliedBy(keep);
    }
  }

  public record Resources(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {
  }
}
