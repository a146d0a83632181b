package io.caprovisioner.onboarding;

import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.MultiMap;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads and checks the signup form; every problem is named by its field, for the form to show. */
final class SignupForm {
  static final String NAME_RULE = "3 to 31 characters: lowercase letters, digits and hyphens, starting with a "
      + "letter and not ending with a hyphen";
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9]{20,64}$");
  private static final int EMAIL_MAX = 254;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  /**
   * @param values what the form showed, for showing it again (never stored)
   * @param errors field → message; empty when {@code request} is present
   */
  record Parsed(Map<String, String> values, Map<String, String> errors, Optional<SignupRequest> request) {
  }

  private SignupForm() {
  }

  /** @param buyable whether a plan can be bought here (with Stripe: it has a price) */
  static Parsed parse(MultiMap form, PlanCatalog plans, java.util.function.Predicate<Plan> buyable) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    String email = field(form, "email");
    String name = field(form, "name").toLowerCase(Locale.ROOT);
    String plan = field(form, "plan");
    String token = field(form, "token");
    values.put("email", email);
    values.put("name", name);
    values.put("plan", plan);
    if (email.isEmpty()) {
      errors.put("email", "Enter your email address.");
    } else if (email.length() > EMAIL_MAX || !EMAIL.matcher(email).matches()) {
      errors.put("email", "Enter an email address like name@example.org.");
    }
    if (!name.isEmpty() && !TenantNames.isValidSlug(name)) {
      errors.put("name", "A site name has " + NAME_RULE + ".");
    }
    Optional<Plan> chosen = plans.byName(plan);
    if (chosen.isEmpty()) {
      errors.put("plan", "Choose one of the plans.");
    } else if (!buyable.test(chosen.get())) {
      errors.put("plan", "This plan cannot be bought online yet; please choose another or write to us.");
    }
    if (!TOKEN.matcher(token).matches()) {
      token = newToken();
    }
    values.put("token", token);
    if (!errors.isEmpty()) {
      return new Parsed(values, errors, Optional.empty());
    }
    return new Parsed(values, errors, Optional.of(new SignupRequest(email, plan,
        name.isEmpty() ? Optional.empty() : Optional.of(name), token)));
  }

  /** One per rendered form: a resubmission of the same form reuses the Checkout Session. */
  static String newToken() {
    StringBuilder b = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      b.append(ALNUM[RANDOM.nextInt(ALNUM.length)]);
    }
    return b.toString();
  }

  private static String field(MultiMap form, String name) {
    String v = form.get(name);
    return v == null ? "" : v.trim();
  }
}
