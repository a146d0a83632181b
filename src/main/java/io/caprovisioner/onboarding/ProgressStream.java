package io.caprovisioner.onboarding;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code GET /welcome/events}: Server-Sent Events of one signup's progress. Each second the
 * progress is read again and sent when it changed ({@code event: progress}); once the signup has
 * settled (ready, failed) an {@code event: end} tells the page to stop, and a stream ends after a
 * few minutes anyway (the browser's EventSource reconnects by itself), so no connection is held
 * forever. Past {@link #MAX_STREAMS} open streams a new one is refused with a 429, and the page
 * falls back to polling the JSON.
 */
final class ProgressStream {
  static final int MAX_STREAMS = 2_000;
  private static final long TICK_MS = 1_000;
  private static final long MAX_MS = 5 * 60_000;
  private static final long KEEPALIVE_MS = 15_000;

  private final Vertx vertx;
  private final Function<String, Future<ProgressView>> views;
  private final AtomicInteger open = new AtomicInteger();

  ProgressStream(Vertx vertx, Function<String, Future<ProgressView>> views) {
    this.vertx = vertx;
    this.views = views;
  }

  void serve(RoutingContext ctx, String sessionId) {
    if (open.incrementAndGet() > MAX_STREAMS) {
      open.decrementAndGet();
      PageResponses.error(ctx, 429, "too_many_requests", "too many live pages open; poll /welcome/status instead");
      return;
    }
    HttpServerResponse r = PageResponses.secure(ctx).setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("X-Accel-Buffering", "no");
    r.write("retry: 3000\n\n");
    long started = System.currentTimeMillis();
    AtomicBoolean busy = new AtomicBoolean();
    AtomicBoolean closed = new AtomicBoolean();
    String[] last = {null};
    long[] lastWrite = {started};
    long[] timer = {-1};
    Runnable close = () -> {
      if (closed.compareAndSet(false, true)) {
        vertx.cancelTimer(timer[0]);
        open.decrementAndGet();
        if (!r.ended()) {
          r.end();
        }
      }
    };
    r.closeHandler(v -> close.run());
    Runnable tick = () -> {
      if (closed.get() || !busy.compareAndSet(false, true)) {
        return;
      }
      views.apply(sessionId).onComplete(result -> {
        busy.set(false);
        if (closed.get()) {
          return;
        }
        long now = System.currentTimeMillis();
        if (result.succeeded()) {
          String json = result.result().json().encode();
          if (!json.equals(last[0])) {
            last[0] = json;
            lastWrite[0] = now;
            r.write("event: progress\ndata: " + json + "\n\n");
          }
          if (result.result().phase().settled()) {
            r.write("event: end\ndata: {}\n\n");
            close.run();
            return;
          }
        }
        if (now - lastWrite[0] >= KEEPALIVE_MS) {
          lastWrite[0] = now;
          r.write(": keepalive\n\n");
        }
        if (now - started >= MAX_MS) {
          close.run();
        }
      });
    };
    timer[0] = vertx.setPeriodic(1, TICK_MS, id -> tick.run());
  }
}
