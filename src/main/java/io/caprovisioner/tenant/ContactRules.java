package io.caprovisioner.tenant;

import java.util.regex.Pattern;

/**
 * The one rule for each identifier people type or files carry about a customer: the API, the
 * tenant.yaml reader and the configuration all ask here, so a value one accepts the others do too.
 */
public final class ContactRules {
  /** ASCII local part and domain (no IDN: staff and Stripe send ASCII), at most 254 characters. */
  private static final Pattern EMAIL =
      Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$");
  private static final Pattern STRIPE_CUSTOMER = Pattern.compile("^cus_[A-Za-z0-9]{1,250}$");
  private static final Pattern STRIPE_SUBSCRIPTION = Pattern.compile("^sub_[A-Za-z0-9]{1,250}$");

  private ContactRules() {
  }

  public static boolean isEmail(String value) {
    return value != null && value.length() <= 254 && EMAIL.matcher(value).matches();
  }

  public static boolean isStripeCustomerId(String value) {
    return value != null && STRIPE_CUSTOMER.matcher(value).matches();
  }

  public static boolean isStripeSubscriptionId(String value) {
    return value != null && STRIPE_SUBSCRIPTION.matcher(value).matches();
  }
}
