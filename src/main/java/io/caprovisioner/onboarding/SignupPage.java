package io.caprovisioner.onboarding;

import static io.caprovisioner.onboarding.PageHtml.escape;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** {@code GET /signup}: the plans side by side and the form (again with its errors after a bad post). */
final class SignupPage {
  private final Config.Brand brand;
  private final PlanCatalog plans;
  private final String baseDomain;
  private final Predicate<Plan> buyable;
  private final boolean testPayments;

  SignupPage(Config.Brand brand, PlanCatalog plans, String baseDomain, Predicate<Plan> buyable,
      boolean testPayments) {
    this.brand = brand;
    this.plans = plans;
    this.baseDomain = baseDomain;
    this.buyable = buyable;
    this.testPayments = testPayments;
  }

  /**
   * @param values  the form's values to show ({@code email}, {@code name}, {@code plan}, {@code token})
   * @param errors  field → message
   * @param general a problem that is no field's (Stripe unreachable...)
   */
  String render(Map<String, String> values, Map<String, String> errors, Optional<String> general) {
    String chosen = values.getOrDefault("plan", "");
    if (plans.byName(chosen).isEmpty()) {
      chosen = plans.all().stream().filter(buyable).map(Plan::name).findFirst().orElse("");
    }
    StringBuilder m = new StringBuilder();
    m.append("<h1>Your own CollectiveAccess site</h1>\n");
    m.append("<p class=\"lead\">Pick a plan, tell us where to send your login details, and your site is set up "
        + "within minutes.</p>\n");
    if (testPayments) {
      m.append("<p class=\"notice\" role=\"note\">Test mode: no payment is taken and no money moves.</p>\n");
    }
    if (!errors.isEmpty() || general.isPresent()) {
      m.append("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>Please check the form</h2><ul>");
      general.ifPresent(g -> m.append("<li>").append(escape(g)).append("</li>"));
      errors.forEach((field, message) -> m.append("<li><a href=\"#").append(escape(field)).append("\">")
          .append(escape(message)).append("</a></li>"));
      m.append("</ul></div>\n");
    }
    m.append("<form method=\"post\" action=\"/signup/checkout\" novalidate>\n");
    m.append("<fieldset class=\"plans\"><legend>Plan</legend>\n");
    for (Plan p : plans.all()) {
      boolean available = buyable.test(p);
      String id = "plan-" + p.name();
      m.append("<div class=\"plan\"><input type=\"radio\" name=\"plan\" id=\"").append(escape(id))
          .append("\" value=\"").append(escape(p.name())).append('"')
          .append(p.name().equals(chosen) ? " checked" : "").append(available ? "" : " disabled")
          .append(errors.containsKey("plan") ? " aria-describedby=\"plan-error\"" : "")
          .append(">\n<label for=\"").append(escape(id)).append("\"><span class=\"plan-name\">")
          .append(escape(p.displayName())).append("</span> <span class=\"price\">")
          .append(escape(price(p))).append(" a month</span>\n<ul class=\"included\">")
          .append("<li>").append(escape(storage(p.storage()))).append(" of media storage</li>")
          .append("<li>Up to ").append(escape(p.resources().cpuLimit())).append(" CPU and ")
          .append(escape(storage(p.resources().memoryLimit()))).append(" memory</li>")
          .append("<li>Your own database and site address with HTTPS</li>")
          .append(available ? "" : "<li>Not available online yet</li>")
          .append("</ul></label></div>\n");
    }
    m.append(fieldError("plan", errors)).append("</fieldset>\n");
    m.append(input("email", "Email", "email", values, errors, "We send your login details here.",
        " autocomplete=\"email\" required maxlength=\"254\""));
    m.append(input("name", "Site name (optional)", "text", values, errors, "Your site's address will be "
        + "tenant-<name>." + baseDomain + "; " + SignupForm.NAME_RULE + ". Leave it empty for a generated one.",
        " autocomplete=\"off\" spellcheck=\"false\" maxlength=\"31\""));
    m.append("<p id=\"name-availability\" class=\"availability\" aria-live=\"polite\"></p>\n");
    m.append("<input type=\"hidden\" name=\"token\" value=\"")
        .append(escape(values.getOrDefault("token", SignupForm.newToken()))).append("\">\n");
    m.append("<button type=\"submit\" class=\"button\">").append(testPayments ? "Continue to test payment"
        : "Continue to payment").append("</button>\n</form>\n");
    m.append("<p class=\"support\">Questions? Write to <a href=\"mailto:").append(escape(brand.supportEmail()))
        .append("\">").append(escape(brand.supportEmail())).append("</a>.</p>");
    return PageHtml.page(brand.name(), "Sign up", m.toString(), "signup.js");
  }

  private static String input(String name, String label, String type, Map<String, String> values,
      Map<String, String> errors, String hint, String attributes) {
    boolean bad = errors.containsKey(name);
    return "<div class=\"field" + (bad ? " invalid" : "") + "\"><label for=\"" + name + "\">" + escape(label)
        + "</label>\n<p class=\"hint\" id=\"" + name + "-hint\">" + escape(hint) + "</p>\n"
        + fieldError(name, errors)
        + "<input type=\"" + type + "\" id=\"" + name + "\" name=\"" + name + "\" value=\""
        + escape(values.getOrDefault(name, "")) + "\" aria-describedby=\"" + name + "-hint"
        + (bad ? " " + name + "-error\" aria-invalid=\"true" : "") + "\"" + attributes + "></div>\n";
  }

  private static String fieldError(String name, Map<String, String> errors) {
    String message = errors.get(name);
    return message == null ? "" : "<p class=\"field-error\" id=\"" + name + "-error\">" + escape(message) + "</p>\n";
  }

  /** e.g. €49.00: the plan's minor units in its currency. */
  static String price(Plan p) {
    try {
      Currency currency = Currency.getInstance(p.currency().toUpperCase(Locale.ROOT));
      NumberFormat f = NumberFormat.getCurrencyInstance(Locale.ENGLISH);
      f.setCurrency(currency);
      f.setMinimumFractionDigits(currency.getDefaultFractionDigits());
      f.setMaximumFractionDigits(currency.getDefaultFractionDigits());
      return f.format(BigDecimal.valueOf(p.monthlyPrice()).movePointLeft(currency.getDefaultFractionDigits()));
    } catch (IllegalArgumentException e) {
      return p.currency() + " " + BigDecimal.valueOf(p.monthlyPrice()).movePointLeft(2).toPlainString();
    }
  }

  /** Kubernetes quantities as people write them: {@code 100Gi} → {@code 100 GiB}. */
  static String storage(String quantity) {
    return quantity.matches("\\d+(Ki|Mi|Gi|Ti|Pi)") ? quantity.replaceAll("(\\d+)(\\w)i", "$1 $2iB") : quantity;
  }
}
