package io.caprovisioner.gitimport;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When imports run: at start, every GITOPS_POLL_INTERVAL, and at once on a push webhook.
 * Requests that arrive while an import runs are folded into one more run after it, so a burst of
 * webhooks costs at most two fetches, and imports in this process never overlap.
 */
public final class ImportScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(ImportScheduler.class);

  private final Vertx vertx;
  private final GitImporter importer;
  private final Duration interval;
  private long timer = -1;
  private boolean running;
  private boolean again;
  private boolean stopped;
  private Promise<Void> idle = Promise.promise();

  public ImportScheduler(Vertx vertx, GitImporter importer, Duration interval) {
    this.vertx = vertx;
    this.importer = importer;
    this.interval = interval;
    idle.complete();
  }

  public synchronized void start() {
    timer = vertx.setPeriodic(1, interval.toMillis(), id -> request());
  }

  /** Runs an import now, or right after the one under way. */
  public synchronized void request() {
    if (stopped) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    idle = Promise.promise();
    runOnce();
  }

  private void runOnce() {
    importer.run().onComplete(ar -> {
      if (ar.failed()) {
        // GitImporter logged it (once per distinct error); the next poll tries again
        LOG.debug("git import failed: {}", ar.cause().getMessage());
      }
      boolean more;
      Promise<Void> done = null;
      synchronized (this) {
        more = again && !stopped;
        again = false;
        if (!more) {
          running = false;
          done = idle;
        }
      }
      if (more) {
        runOnce();
      } else {
        done.tryComplete();
      }
    });
  }

  /** No new runs; completes when the run under way (if any) has finished. */
  public synchronized Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return idle.future();
  }
}
