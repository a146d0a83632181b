package io.caprovisioner.onboarding;

import static io.caprovisioner.onboarding.PageHtml.escape;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.Plan;

/**
 * Dev mode's checkout: what would be bought, clearly labelled as a test in which no money moves,
 * and one button that completes the "payment". The form carries the signup's fields (checked
 * again when it is posted) and the session id made up for it.
 */
final class CheckoutTestPage {
  private final Config.Brand brand;

  CheckoutTestPage(Config.Brand brand) {
    this.brand = brand;
  }

  String render(SignupRequest r, Plan plan, String sessionId) {
    String main = "<h1>Test payment \u2013 no money moves</h1>\n"
        + "<p class=\"notice\" role=\"note\"><strong>This is a test payment, no money moves.</strong> The service "
        + "runs without a Stripe key, so this page stands in for Stripe Checkout: the button tells the service the "
        + "payment succeeded, exactly as Stripe's webhook would.</p>\n"
        + "<dl class=\"summary\"><dt>Plan</dt><dd>" + escape(plan.displayName()) + ", "
        + escape(SignupPage.price(plan)) + " a month</dd>\n<dt>Email</dt><dd>" + escape(r.email()) + "</dd>\n"
        + "<dt>Site name</dt><dd>" + escape(r.name().orElse("generated for you")) + "</dd></dl>\n"
        + "<form method=\"post\" action=\"/signup/test-payment\">\n"
        + hidden("session_id", sessionId) + hidden("email", r.email()) + hidden("plan", r.plan())
        + hidden("name", r.name().orElse("")) + hidden("token", r.token())
        + "<button type=\"submit\" class=\"button\" id=\"pay\">Complete test payment</button>\n</form>\n"
        + "<p><a href=\"/signup?plan=" + escape(java.net.URLEncoder.encode(r.plan(), java.nio.charset.StandardCharsets.UTF_8))
        + "\">Back to the form</a></p>";
    return PageHtml.page(brand.name(), "Test payment", main, null);
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">\n";
  }
}
