package io.caprovisioner.web;

import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * A client that went away mid-request (reset, closed): routine on the internet, not a failure of
 * ours. The access log's line for the request says so; no stack trace is logged for it.
 */
public final class ClientDisconnect {
  private ClientDisconnect() {
  }

  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpClosedException || t instanceof ClosedChannelException) {
        return true;
      }
      // java.net.SocketException and netty's native "readAddress(..) failed: Connection reset by peer"
      if (t instanceof IOException && t.getMessage() != null
          && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe"))) {
        return true;
      }
    }
    return false;
  }
}
