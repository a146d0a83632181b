package io.caprovisioner.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.testing.TestHttp;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handler that never answers (a hung git forge behind the history API, a cluster API that
 * accepts and says nothing) gets a 503 with a JSON body after the request time limit, instead of
 * holding the client for minutes; a streaming route (the welcome page's Server-Sent Events) is
 * left open past it. The real router and HTTP server over a socket.
 */
class RequestTimeoutTest {
  private static final String TOKEN = "request-timeout-test-token-0123456789abcdef";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aHandlerWithNoAnswerIsA503InTimeButAStreamStaysOpen() throws Exception {
    ApiServer api = new ApiServer(vertx, TOKEN, Duration.ofSeconds(1)).streaming("/stream")
        .routes(router -> {
          router.get("/hangs").handler(ctx -> {
            // never answers
          });
          router.get("/stream").handler(ctx -> {
            var r = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            r.write("event: first\n\n");
            vertx.setTimer(2_500, t -> r.end("event: late\n\n"));
          });
        });
    int port = api.listen(0).await();

    long started = System.nanoTime();
    TestHttp.Response hung = new TestHttp(port, TOKEN).get("/hangs");
    long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(hung.status()).isEqualTo(503);
    assertThat(hung.object().getString("error")).isEqualTo("timeout");
    assertThat(hung.object().getString("detail")).contains("time limit");
    assertThat(hung.headers().firstValue("Retry-After")).isPresent();
    assertThat(tookMs).isBetween(900L, 10_000L);

    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        seen.append(line).append('\n');
        if (line.equals("0")) {
          break;
        }
      }
      assertThat(seen.toString()).startsWith("HTTP/1.1 200").contains("event: first").contains("event: late")
          .doesNotContain("timeout");
    }
  }
}
