package io.caprovisioner.pipeline;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.tenant.IntentKind;

/** The {@code Action:} trailer of the commit an intent causes. */
final class GitActions {
  private GitActions() {
  }

  /** @param fallback for intents that do not name a git action by themselves (a removal is always a delete) */
  static GitAction of(IntentKind kind, GitAction fallback) {
    if (fallback == GitAction.DELETE) {
      return GitAction.DELETE;
    }
    return switch (kind) {
      case PROVISION, RETRY -> GitAction.PROVISION;
      case SUSPEND -> GitAction.SUSPEND;
      case RESUME -> GitAction.RESUME;
      case PLAN_CHANGE, CHART_CHANGE -> GitAction.PLAN_CHANGE;
      case IMPORT -> GitAction.IMPORT;
      case UPGRADE -> GitAction.UPGRADE;
      case ROLLBACK -> GitAction.ROLLBACK;
      case DELETE, PURGE, CREDENTIALS_RESET, BACKUP -> fallback;
      case RESTORE -> GitAction.RESTORE;
    };
  }
}
