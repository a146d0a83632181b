package io.caprovisioner.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Clients that reset their connection halfway through a request (a load balancer's health
 * probe, Stripe giving up, a closed laptop) are routine: each is at most one short line in the
 * log, never a stack trace. The whole service, clients resetting real sockets (SO_LINGER 0).
 */
class ClientResetLogTest {
  @TempDir
  Path home;

  @Test
  void aClientResetIsOneShortLineWithoutAStackTrace() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    root.addAppender(lines);
    ProvisionerService service = TestService.start(TestPostgres.freshDatabase(), home, Map.of("JOB_WORKERS", "0"));
    try {
      for (String path : List.of("/webhooks/stripe", "/tenants/provision", "/webhooks/stripe")) {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
          socket.setSoLinger(true, 0);
          OutputStream out = socket.getOutputStream();
          out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestService.TOKEN
              + "\r\nStripe-Signature: t=1,v1=00\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":")
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(300);
        }
      }
      Thread.sleep(1_000);
      List<ILoggingEvent> logged = List.copyOf(lines.list);
      assertThat(logged).noneMatch(e -> e.getThrowableProxy() != null);
      List<ILoggingEvent> resets = logged.stream()
          .filter(e -> e.getFormattedMessage().toLowerCase().contains("reset")).toList();
      // one access line per reset request, saying so
      assertThat(resets).hasSize(3)
          .allMatch(e -> e.getLoggerName().equals("access") && e.getFormattedMessage().length() < 120
              && !e.getFormattedMessage().contains("\n"));
    } finally {
      root.detachAppender(lines);
      service.stop();
    }
  }
}
