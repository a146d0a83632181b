package io.caprovisioner.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, the route template ({@code /tenants/:id}, never the path, which
 * may carry a secret link's token), status, duration. Never the query string or a header. The
 * template is looked up when the response ends, so a request that failed in its route (answered by
 * the failure handler) still names the route it was for.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("access");
  /** Probes every few seconds: logged at debug, so the log keeps what people did. */
  private static final Set<String> QUIET = Set.of("/livez", "/readyz", "/health", "/ready");
  static final String UNMATCHED = "(no route)";

  private final Router router;
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

  AccessLog(Router router) {
    this.router = router;
  }

  void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(ar -> {
      String template = template(ctx.request().method(), ctx.normalizedPath());
      long ms = (System.nanoTime() - started) / 1_000_000;
      // a failed end: the connection closed before the answer was sent (a client reset)
      Object status = ar.succeeded() ? ctx.response().getStatusCode() : "reset by client";
      if (QUIET.contains(template)) {
        LOG.debug("{} {} {} {}ms", ctx.request().method(), template, status, ms);
      } else {
        LOG.info("{} {} {} {}ms", ctx.request().method(), template, status, ms);
      }
    });
    ctx.next();
  }

  /** The path template of the first route of this method whose template matches the path. */
  String template(HttpMethod method, String path) {
    List<Route> routes = router.getRoutes();
    for (Route route : routes) {
      String template = route.getPath();
      if (template == null || route.methods() != null && !route.methods().isEmpty()
          && !route.methods().contains(method)) {
        continue;
      }
      if (patterns.computeIfAbsent(template, AccessLog::compile).matcher(path).matches()) {
        return template;
      }
    }
    return UNMATCHED;
  }

  private static Pattern compile(String template) {
    List<String> parts = new java.util.ArrayList<>();
    for (String part : template.split("/", -1)) {
      parts.add(part.startsWith(":") ? "[^/]+" : part.equals("*") ? ".*" : part.isEmpty() ? "" : Pattern.quote(part));
    }
    return Pattern.compile(String.join("/", parts));
  }
}
