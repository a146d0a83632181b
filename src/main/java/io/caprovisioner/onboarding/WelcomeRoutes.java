package io.caprovisioner.onboarding;

import io.caprovisioner.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page a customer lands on after paying: {@code GET /welcome?session_id=cs_...}, its live
 * updates ({@code GET /welcome/events}, Server-Sent Events) and their fallback
 * ({@code GET /welcome/status}, JSON). The session id is the only credential: it shows that
 * signup's public progress and nothing else, and an unknown or malformed id gets the same neutral
 * waiting page as a payment whose webhook has not arrived yet.
 */
public final class WelcomeRoutes {
  public static final String PATH = "/welcome";
  /** The progress stream (Server-Sent Events): held open for minutes on purpose. */
  public static final String EVENTS_PATH = PATH + "/events";
  private static final Logger LOG = LoggerFactory.getLogger(WelcomeRoutes.class);
  static final Pattern SESSION_ID = Pattern.compile("^cs_(test|live)_[A-Za-z0-9]{10,250}$");
  private static final int LATE_NOTED_KEPT = 10_000;

  private final Config.Brand brand;
  private final ProgressReader reader;
  private final WelcomePage page;
  private final ProgressStream stream;
  private final PageRateLimiter limiter;
  private final Clock clock;
  private final Map<String, Boolean> lateNoted = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > LATE_NOTED_KEPT;
    }
  });

  /** @param stripe with a Stripe key: sessions without a tenant yet are looked up there once */
  public WelcomeRoutes(Vertx vertx, Pool pool, Config.Brand brand, Config.Signup signup,
      Optional<CheckoutSessions> stripe, Clock clock) {
    this.brand = brand;
    this.clock = clock;
    this.reader = new ProgressReader(pool, stripe.map(s -> new CheckoutLookup(s, clock)));
    this.page = new WelcomePage(brand);
    this.limiter = new PageRateLimiter(signup.requestsPerMinute());
    this.stream = new ProgressStream(vertx, this::view);
  }

  public void mount(Router router) {
    router.route(PATH).handler(limiter.handler());
    router.route(PATH + "/*").handler(limiter.handler());
    router.get(PATH).handler(this::page);
    router.get(PATH + "/status").handler(this::status);
    router.get(EVENTS_PATH).handler(this::events);
  }

  private void page(RoutingContext ctx) {
    String id = ctx.request().getParam("session_id");
    String shown = id == null ? "" : id;
    Future<ProgressView> view = valid(id) ? view(id) : neutral();
    view.onSuccess(v -> PageResponses.html(ctx, 200, page.render(v, shown))).onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    String id = ctx.request().getParam("session_id");
    if (!valid(id)) {
      PageResponses.error(ctx, 400, "bad_request", "session_id must look like cs_test_... or cs_live_...");
      return;
    }
    view(id).onSuccess(v -> PageResponses.json(ctx, 200, v.json())).onFailure(ctx::fail);
  }

  private void events(RoutingContext ctx) {
    String id = ctx.request().getParam("session_id");
    if (!valid(id)) {
      PageResponses.error(ctx, 400, "bad_request", "session_id must look like cs_test_... or cs_live_...");
      return;
    }
    stream.serve(ctx, id);
  }

  static boolean valid(String id) {
    return id != null && SESSION_ID.matcher(id).matches();
  }

  private Future<ProgressView> neutral() {
    return Future.succeededFuture(ProgressView.of(ProgressFacts.awaitingPayment(Optional.empty(), Optional.empty()),
        OffsetDateTime.now(clock), brand.supportEmail()));
  }

  Future<ProgressView> view(String sessionId) {
    return reader.read(sessionId).map(facts -> {
      ProgressView v = ProgressView.of(facts, OffsetDateTime.now(clock), brand.supportEmail());
      if (v.late() && lateNoted.put(sessionId, Boolean.TRUE) == null) {
        // the "our team has been notified" of the page: operators alert on this line
        LOG.warn("signup is taking longer than usual: {}", facts.tenant()
            .map(t -> "tenant " + t.names().namespace() + " (" + t.status().wire() + "), at customer step "
                + v.steps().stream().filter(s -> s.state() == ProgressView.StepState.CURRENT).findFirst()
                    .map(s -> s.step().key()).orElse("?"))
            .orElse("checkout session " + sessionId.substring(0, Math.min(14, sessionId.length()))
                + "... is paid at Stripe but its checkout.session.completed webhook has not arrived"));
      }
      return v;
    });
  }
}
