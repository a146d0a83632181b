package io.caprovisioner.onboarding;

import java.util.List;
import java.util.Locale;

/**
 * The steps of a new site as the customer understands them, in order, each with the pipeline steps
 * (tenant_steps names) it stands for. The names are the reconciler's; ProgressStepTest checks them
 * against its constants, since this package must not depend on the pipeline.
 */
public enum ProgressStep {
  PAYMENT("Payment received", "Waiting for confirmation of your payment from Stripe", List.of()),
  CONFIGURATION("Site configuration saved", "Saving your site's configuration", List.of("git.commit")),
  DATABASE("Database created", "Creating your site's database", List.of("mysql.create")),
  DEPLOYMENT("Site deployed", "Starting your site on our servers", List.of("k8s.prepare",
      "argocd.await|flux.await")),
  INSTALLATION("CollectiveAccess installed", "Installing CollectiveAccess and your administrator account",
      List.of("ca.install")),
  READY("Ready", "Final checks before your site opens", List.of("status.active"));

  private final String label;
  private final String doing;
  private final List<String> pipelineSteps;

  ProgressStep(String label, String doing, List<String> pipelineSteps) {
    this.label = label;
    this.doing = doing;
    this.pipelineSteps = pipelineSteps;
  }

  /** What the step is called once done, e.g. "Database created". */
  public String label() {
    return label;
  }

  /** What is happening while it is the current step, in plain words. */
  public String doing() {
    return doing;
  }

  /** Each entry is one pipeline step that must be done; {@code a|b}: whichever the GitOps flavour runs. */
  public List<String> pipelineSteps() {
    return pipelineSteps;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
