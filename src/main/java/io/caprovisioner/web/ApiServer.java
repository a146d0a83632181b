package io.caprovisioner.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP front: routes, bearer auth on everything but {@link #PUBLIC_PATHS}, {@code /webhooks/*},
 * the customer links ({@code /credentials/*}, {@code /billing/*}) and the customer pages features
 * mount; an access log line per request, and JSON errors for every failure.
 */
public final class ApiServer {
  public static final int API_BODY_LIMIT = 64 * 1024;
  /** A connection with nothing read or written for this long is closed (the welcome page's SSE reconnects by itself). */
  static final int IDLE_TIMEOUT_SECONDS = 60;
  /**
   * A request with no answer after this long gets a 503 with a JSON body: a hung dependency (a
   * git forge, a cluster API) must not hold a client, or a load balancer's connection, for minutes.
   */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Reachable without the bearer token (besides {@code /webhooks/*}, which check their own signatures). */
  public static final java.util.Set<String> PUBLIC_PATHS = java.util.Set.of("/", "/health", "/ready", "/livez",
      "/readyz", "/openapi.json");

  private final Vertx vertx;
  private final Router router;
  private HttpServer server;
  /** Customer pages mounted by features ({@code /signup}, {@code /welcome}...): no bearer token. */
  private final java.util.Set<String> customerPrefixes = new java.util.concurrent.CopyOnWriteArraySet<>();
  /** Routes that stream their answer for minutes (Server-Sent Events): no request timeout. */
  private final java.util.Set<String> streamingPaths = new java.util.concurrent.CopyOnWriteArraySet<>();

  public ApiServer(Vertx vertx, String adminToken) {
    this(vertx, adminToken, REQUEST_TIMEOUT);
  }

  public ApiServer(Vertx vertx, String adminToken, Duration requestTimeout) {
    this.vertx = vertx;
    this.router = Router.router(vertx);
    BearerAuth auth = new BearerAuth(adminToken);
    router.route().handler(new AccessLog(router)::handle);
    TimeoutHandler timeout = TimeoutHandler.create(requestTimeout.toMillis(), ErrorResponses.TIMED_OUT);
    router.route().handler(ctx -> {
      if (streamingPaths.contains(ctx.normalizedPath())) {
        ctx.next();
      } else {
        timeout.handle(ctx);
      }
    });
    router.route().handler(ctx -> {
      if (isPublic(ctx.normalizedPath()) || isCustomerPage(ctx.normalizedPath())) {
        ctx.next();
      } else {
        auth.handle(ctx);
      }
    });
    router.route().failureHandler(ErrorResponses::handle);
    for (int status : new int[] {400, 401, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, ErrorResponses::handle);
    }
  }

  static boolean isPublic(String path) {
    return PUBLIC_PATHS.contains(path) || path.startsWith("/webhooks/")
        // the customer's links from messages: each carries its own secret (one-time or signed token)
        || path.startsWith("/credentials/") || path.startsWith("/billing/");
  }

  /** {@code prefix} and everything below it are pages for customers: public, no bearer token. */
  public ApiServer customerPages(String prefix) {
    customerPrefixes.add(prefix);
    return this;
  }

  /** {@code path} streams its answer (Server-Sent Events): exempt from {@link #REQUEST_TIMEOUT}. */
  public ApiServer streaming(String path) {
    streamingPaths.add(path);
    return this;
  }

  private boolean isCustomerPage(String path) {
    for (String prefix : customerPrefixes) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  /** A body handler for API routes: JSON up to 64 KiB, larger is a 413. */
  public static BodyHandler apiBody() {
    return BodyHandler.create(false).setBodyLimit(API_BODY_LIMIT);
  }

  /** Lets each feature add its routes. */
  public ApiServer routes(Consumer<Router> mount) {
    mount.accept(router);
    return this;
  }

  /** Every route with a path, {@code METHOD /path/:param} (a route for any method lists each). */
  public java.util.List<String> routes() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (io.vertx.ext.web.Route route : router.getRoutes()) {
      if (route.getPath() == null) {
        continue;
      }
      java.util.Set<io.vertx.core.http.HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        out.add("ANY " + route.getPath());
      } else {
        methods.forEach(m -> out.add(m.name() + " " + route.getPath()));
      }
    }
    return out;
  }

  public Future<Integer> listen(int port) {
    // HTTP/1.1 only: an h2c upgrade (the JDK's HttpClient tries one by default) answered a large
    // body unreadably here; ingresses and load balancers speak HTTP/1.1 to us anyway. Idle
    // connections are closed after a while, so a crowd of open sockets cannot pile up.
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0")
            .setHttp2ClearTextEnabled(false).setIdleTimeout(IDLE_TIMEOUT_SECONDS)
            .setIdleTimeoutUnit(TimeUnit.SECONDS))
        .requestHandler(router)
        .listen()
        .map(s -> {
          this.server = s;
          return s.actualPort();
        });
  }

  /** Stops accepting, lets in-flight requests finish (up to the timeout), then closes. */
  public Future<Void> shutdown(long timeoutSeconds) {
    return server == null ? Future.succeededFuture() : server.shutdown(timeoutSeconds, TimeUnit.SECONDS);
  }

}
