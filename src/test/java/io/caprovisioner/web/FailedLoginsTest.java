package io.caprovisioner.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Guessing the admin token at network speed: the service logs wrong tokens (a line per address a
 * minute, never the token) and answers 429 past the limit, while the right token still works.
 * The whole service over real HTTP.
 */
class FailedLoginsTest {
  @TempDir
  Path home;

  @Test
  void wrongTokensAreLoggedSparinglyAndLimitedPerAddress() {
    Logger logger = (Logger) LoggerFactory.getLogger(BearerAuth.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    ProvisionerService service = TestService.start(TestPostgres.freshDatabase(), home, Map.of("JOB_WORKERS", "0"));
    try {
      TestHttp http = new TestHttp(service.port(), TestService.TOKEN);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < BearerAuth.FAILURES_PER_MINUTE + 40; i++) {
        statuses.add(http.send("GET", "/tenants", null, "guess-" + i).status());
      }
      // the bucket refills at FAILURES_PER_MINUTE a minute while the test runs: past the burst,
      // guesses are refused but for the odd refilled one
      assertThat(statuses.subList(0, BearerAuth.FAILURES_PER_MINUTE)).containsOnly(401);
      List<Integer> past = statuses.subList(BearerAuth.FAILURES_PER_MINUTE, statuses.size());
      assertThat(past.stream().filter(s -> s == 429).count()).isGreaterThan(past.size() / 2);
      assertThat(past).allMatch(s -> s == 401 || s == 429);
      assertThat(http.send("GET", "/tenants", null, "guess-again").object().getString("error"))
          .isEqualTo("too_many_requests");
      // the operator's own token is never locked out by someone else's guesses
      assertThat(http.get("/tenants").status()).isEqualTo(200);

      assertThat(lines.list).hasSizeBetween(1, 2);
      assertThat(lines.list.get(0).getFormattedMessage()).contains("wrong bearer token from 127.0.0.1")
          .doesNotContain("guess-");
    } finally {
      logger.detachAppender(lines);
      service.stop();
    }
  }
}
