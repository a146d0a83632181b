package io.caprovisioner.onboarding;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /signup} (plans and form), {@code GET /signup/name-available?name=} (yes or no),
 * {@code POST /signup/checkout} (a Stripe Checkout Session, then 303 to it; in test-payment mode a
 * local page instead) and {@code POST /signup/test-payment}. Bad input gets the form again with
 * the field's error; nothing is stored before Stripe's webhook says the customer paid.
 */
public final class SignupRoutes {
  public static final String PATH = "/signup";
  static final int FORM_BODY_LIMIT = 16 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(SignupRoutes.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private final Pool pool;
  private final Config.Brand brand;
  private final PlanCatalog plans;
  private final String baseDomain;
  private final Optional<CheckoutSessions> stripe;
  private final Optional<CheckoutTestPayment> testPayment;
  private final Predicate<Plan> buyable;
  private final SignupPage page;
  private final CheckoutTestPage testPage;
  private final PageRateLimiter limiter;
  private final TenantRepository tenants = new TenantRepository();

  /**
   * @param stripe      with a Stripe key: real Checkout Sessions
   * @param testPayment dev mode (SIGNUP_TEST_PAYMENTS): the local test payment instead; with neither,
   *                    the form says online signup is not available
   */
  public SignupRoutes(Pool pool, Config config, Optional<CheckoutSessions> stripe,
      Optional<CheckoutTestPayment> testPayment) {
    this.pool = pool;
    this.brand = config.brand();
    this.plans = config.plans();
    this.baseDomain = config.tenants().baseDomain();
    this.stripe = stripe;
    this.testPayment = stripe.isPresent() ? Optional.empty() : testPayment;
    // Stripe Checkout needs the plan's price; a test payment does not
    this.buyable = stripe.isPresent() ? p -> !p.stripePriceIds().isEmpty() : p -> this.testPayment.isPresent();
    this.page = new SignupPage(brand, plans, baseDomain, buyable, this.testPayment.isPresent());
    this.testPage = new CheckoutTestPage(brand);
    this.limiter = new PageRateLimiter(config.signup().requestsPerMinute());
  }

  public void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(FORM_BODY_LIMIT);
    router.route(PATH).handler(limiter.handler());
    router.route(PATH + "/*").handler(limiter.handler());
    router.get(PATH).handler(this::form);
    router.get(PATH + "/name-available").handler(this::nameAvailable);
    router.post(PATH + "/checkout").handler(body).handler(this::checkout);
    router.post(PATH + "/test-payment").handler(body).handler(this::completeTestPayment);
  }

  private void form(RoutingContext ctx) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("plan", Optional.ofNullable(ctx.request().getParam("plan")).orElse(""));
    String name = Optional.ofNullable(ctx.request().getParam("name")).orElse("");
    values.put("name", TenantNames.isValidSlug(name) ? name : "");
    values.put("token", SignupForm.newToken());
    PageResponses.html(ctx, 200, page.render(values, Map.of(), unavailable()));
  }

  private Optional<String> unavailable() {
    return stripe.isEmpty() && testPayment.isEmpty()
        ? Optional.of("Online signup is not available at the moment; please write to " + brand.supportEmail() + ".")
        : Optional.empty();
  }

  /** Only yes or no: who holds a name is nobody's business. */
  private void nameAvailable(RoutingContext ctx) {
    String name = Optional.ofNullable(ctx.request().getParam("name")).orElse("").trim();
    if (!TenantNames.isValidSlug(name)) {
      PageResponses.json(ctx, 200, new JsonObject().put("available", false));
      return;
    }
    free(name).onSuccess(free -> PageResponses.json(ctx, 200, new JsonObject().put("available", free)))
        .onFailure(ctx::fail);
  }

  private Future<Boolean> free(String name) {
    TenantNames names;
    try {
      names = TenantNames.of(name, baseDomain);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(false);
    }
    return tenants.nameTaken(pool, names).map(taken -> !taken);
  }

  private void checkout(RoutingContext ctx) {
    SignupForm.Parsed parsed = SignupForm.parse(ctx.request().formAttributes(), plans, buyable);
    if (parsed.request().isEmpty()) {
      PageResponses.html(ctx, 400, page.render(parsed.values(), parsed.errors(), unavailable()));
      return;
    }
    SignupRequest request = parsed.request().get();
    Future<Boolean> nameFree = request.name().map(this::free).orElse(Future.succeededFuture(true));
    nameFree.onFailure(ctx::fail).onSuccess(free -> {
      if (!free) {
        PageResponses.html(ctx, 409, page.render(parsed.values(), Map.of("name", "The name \u201c"
            + request.name().get() + "\u201d is taken; choose another or leave it empty."), Optional.empty()));
        return;
      }
      Plan plan = plans.byName(request.plan()).orElseThrow();
      if (stripe.isPresent()) {
        stripe.get().create(request, plan.stripePriceIds().get(0))
            .onSuccess(url -> PageResponses.seeOther(ctx, url))
            .onFailure(e -> {
              LOG.warn("signup: {}", e.getMessage());
              PageResponses.html(ctx, 503, page.render(parsed.values(), Map.of(), Optional.of(
                  "The payment could not be started just now; nothing was charged. Please try again in a moment.")));
            });
      } else if (testPayment.isPresent()) {
        PageResponses.html(ctx, 200, testPage.render(request, plan, testSessionId()));
      } else {
        PageResponses.html(ctx, 503, page.render(parsed.values(), Map.of(), unavailable()));
      }
    });
  }

  private void completeTestPayment(RoutingContext ctx) {
    if (testPayment.isEmpty()) {
      PageResponses.error(ctx, 404, "not_found", "test payments are off (SIGNUP_TEST_PAYMENTS)");
      return;
    }
    MultiMap form = ctx.request().formAttributes();
    SignupForm.Parsed parsed = SignupForm.parse(form, plans, buyable);
    String sessionId = Optional.ofNullable(form.get("session_id")).orElse("");
    if (parsed.request().isEmpty() || !WelcomeRoutes.valid(sessionId)) {
      PageResponses.html(ctx, 400, page.render(parsed.values(), parsed.errors(), Optional.of(
          "The test payment form was incomplete; please fill in the form again.")));
      return;
    }
    testPayment.get().complete(sessionId, parsed.request().get())
        .onSuccess(v -> PageResponses.seeOther(ctx, WelcomeRoutes.PATH + "?session_id="
            + URLEncoder.encode(sessionId, StandardCharsets.UTF_8)))
        .onFailure(e -> {
          LOG.warn("test payment: the service's own webhook did not take the event: {}", e.getMessage());
          PageResponses.html(ctx, 503, page.render(parsed.values(), Map.of(), Optional.of(
              "The test payment could not be completed just now; please try again.")));
        });
  }

  /** A made-up Checkout Session id in Stripe's test format. */
  static String testSessionId() {
    StringBuilder b = new StringBuilder("cs_test_dev");
    for (int i = 0; i < 40; i++) {
      b.append(ALNUM[RANDOM.nextInt(ALNUM.length)]);
    }
    return b.toString();
  }
}
