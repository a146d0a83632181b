package io.caprovisioner.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.util.concurrent.TimeoutException;

/**
 * PostgreSQL is down, restarting, or not answering in time: a failure of the moment that a
 * caller should answer with "unavailable, try again" (an HTTP 503), not as a bug of ours.
 */
public final class DatabaseOutage {
  private DatabaseOutage() {
  }

  public static boolean is(Throwable failure) {
    if (Database.unreachable(failure)) {
      return true;
    }
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ClosedConnectionException || t instanceof TimeoutException) {
        return true;
      }
      // 57P01-57P03: terminated by an administrator or a crash, cannot connect now (starting up)
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("57P") || pg.getSqlState().startsWith("08"))) {
        return true;
      }
    }
    return false;
  }
}
