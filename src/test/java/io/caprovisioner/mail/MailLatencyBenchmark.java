package io.caprovisioner.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.MessageKind;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.MessageOutbox;
import io.caprovisioner.tenant.TenantStatus;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Time from a tenant becoming {@code active} (the commit of the status with its outbox row and
 * mail.send job, as {@code SetStatusStep} writes them) to the welcome handed to a real SMTP server
 * (GreenMail has it), through the whole in-process service on the embedded PostgreSQL. Prints the
 * median and the 90th percentile. Run after {@code mvn -q -o test-compile} with the test class path:
 * {@code java -cp target/test-classes:target/classes:$CP io.caprovisioner.mail.MailLatencyBenchmark [tenants=50]}.
 */
public final class MailLatencyBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int smtpPort;
    try (ServerSocket s = new ServerSocket(0)) {
      smtpPort = s.getLocalPort();
    }
    GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    DatabaseUrl db = TestPostgres.freshDatabase();
    ProvisionerService service = TestService.start(db, Files.createTempDirectory("mail-bench"),
        Map.of("SMTP_URL", "smtp://127.0.0.1:" + smtpPort + "?starttls=disabled"));
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.pool(vertx, new DatabaseUrl(db.host(), db.port(), db.database(), db.user(), ""), 2);
    TenantRepository tenants = new TenantRepository();
    MessageOutbox outbox = new MessageOutbox();
    List<Double> millis = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        long id = await(pool.preparedQuery("WITH u AS (INSERT INTO users (email) VALUES ($1) RETURNING id) "
                + "INSERT INTO tenants (user_id, name, namespace, helm_release_name, domain, db_name, db_user, "
                + "app_name, plan, source, status) SELECT id, $2, 'tenant-' || $2, 'tenant-' || $2, "
                + "'tenant-' || $2 || '.example.org', 'ca_' || $2, 'ca_' || $2, 'ca_' || $2, 'starter', 'manual', "
                + "'provisioning' FROM u RETURNING id")
            .execute(Tuple.of("bench" + i + "@example.org", "bench" + i))).iterator().next().getLong(0);
        long t0 = System.nanoTime();
        await(pool.withTransaction(sql -> tenants.setStatus(sql, id, TenantStatus.ACTIVE, null)
            .compose(v -> outbox.add(sql, id, MessageKind.WELCOME, "activated", new JsonObject()))));
        while (smtp.getReceivedMessages().length <= i) {
          Thread.sleep(0, 200_000);
        }
        millis.add((System.nanoTime() - t0) / 1e6);
      }
      Collections.sort(millis);
      System.out.printf("active -> handed to SMTP (GreenMail received), %d tenants one after another:%n", n);
      System.out.printf("  median %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms%n", millis.get(n / 2),
          millis.get((int) (n * 0.9)), millis.get(0), millis.get(n - 1));
    } finally {
      service.stop();
      pool.close();
      vertx.close();
      smtp.stop();
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
