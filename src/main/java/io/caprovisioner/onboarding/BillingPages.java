package io.caprovisioner.onboarding;

import io.caprovisioner.config.Config;
import io.caprovisioner.web.HtmlEscape;

/** The pages {@code /billing/{token}} shows when it cannot send the customer to Stripe. */
final class BillingPages {
  private final Config.Brand brand;

  BillingPages(Config.Brand brand) {
    this.brand = brand;
  }

  String notConnected() {
    return page("Billing is not connected", "<p>This installation has no Stripe account configured "
        + "(STRIPE_SECRET_KEY is not set: development mode), so there is no billing page to show.</p>");
  }

  String invalid() {
    return page("This billing link is not valid", "<p>The link is incomplete or was changed. Open it again from "
        + "the message it came in.</p>" + help());
  }

  String expired() {
    return page("This billing link has expired", "<p>Billing links work for a limited time. A newer message "
        + "from us carries a fresh one.</p>" + help());
  }

  String noAccount() {
    return page("No billing account", "<p>This site is not billed through our online payments.</p>" + help());
  }

  String unavailable() {
    return page("Billing is unavailable right now", "<p>The payment provider could not be reached. Please try "
        + "again in a few minutes.</p>" + help());
  }

  private String help() {
    String support = HtmlEscape.text(brand.supportEmail());
    return "<p>Questions? Write to <a href=\"mailto:" + support + "\">" + support + "</a>.</p>";
  }

  private String page(String title, String body) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <meta name="robots" content="noindex"><title>%s · %s</title>
        <style>body{font-family:sans-serif;line-height:1.5;max-width:36em;margin:2em auto;padding:0 1em}</style>
        </head><body><h1>%s</h1>
        %s<p><small>%s</small></p>
        </body></html>
        """.formatted(HtmlEscape.text(title), HtmlEscape.text(brand.name()), HtmlEscape.text(title), body,
        HtmlEscape.text(brand.name()));
  }
}
