package io.caprovisioner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.SealedColumns;
import io.caprovisioner.pipeline.TenantCredentials;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code secrets rotate} on a real PostgreSQL, interrupted half-way and started again. */
class SecretsRotateTest {
  static final String OLD = "old-secret-key-0123456789abcdef0123456789";
  static final String NEW = "new-secret-key-0123456789abcdef0123456789";
  /** What the first version of SecretBox (no key id) sealed under LEGACY_KEY. */
  static final String LEGACY_KEY = "legacy-key-0123456789abcdef0123456789";
  static final String LEGACY_VALUE = "v1:AvuftptDtmjlRQImJF9NkuF9/whweTEt3Vj7irseakjRXGFRzA7EO/KrORKeTPhtyw==";

  @TempDir
  Path home;
  DatabaseUrl db;
  Vertx vertx;
  /** tenant id -> {db password, admin password}, in plain text, as sealed before the rotation. */
  final Map<Long, String[]> passwords = new LinkedHashMap<>();

  @BeforeEach
  void tenantsWithSecretsSealedUnderTheOldKeys() {
    db = TestPostgres.freshDatabase();
    vertx = Vertx.vertx();
    SecretBox old = new SecretBox(OLD);
    for (int i = 0; i < 5; i++) {
      String dbPassword = "db-password-" + i;
      String adminPassword = "admin-password-" + i;
      long id = insertTenant("t" + i, old.seal(dbPassword), i == 4 ? null : old.seal(adminPassword));
      passwords.put(id, new String[] {dbPassword, i == 4 ? null : adminPassword});
    }
    long legacy = insertTenant("legacy", LEGACY_VALUE, null);
    passwords.put(legacy, new String[] {"password-sealed-by-v1", null});
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  Map<String, String> env(String secretKey) {
    return TestService.env(db, home, Map.of("SECRET_KEY", secretKey, "JOB_WORKERS", "0"));
  }

  @Test
  void aRotationInterruptedHalfWayIsFinishedByTheNextRunAndEveryPasswordSurvives() throws Exception {
    String rotating = NEW + "," + OLD + "," + LEGACY_KEY;
    SecretBox box = new SecretBox(rotating);
    // the process dies after re-sealing three values
    AtomicInteger budget = new AtomicInteger(3);
    try (Database database = Database.open(io.caprovisioner.config.ConfigLoader.load(env(rotating)))) {
      Pool pool = database.pool(vertx, 2);
      assertThatThrownBy(() -> await(new SealedColumns(pool).resealAll(box::isSealedWithSealingKey, v -> {
        if (budget.getAndDecrement() == 0) {
          throw new IllegalStateException("killed");
        }
        return box.reseal(v);
      }))).hasMessageContaining("killed");
      pool.close();
    }
    List<String> half = sealedValues();
    assertThat(half.stream().filter(box::isSealedWithSealingKey)).hasSize(3);
    assertThat(half).hasSize(10);

    // restarted on the new key list in the middle of the rotation: every password still opens
    ProvisionerService service = ProvisionerService.start(io.caprovisioner.config.ConfigLoader.load(env(rotating)));
    try {
      assertThat(storedPasswords(rotating)).isEqualTo(plain());

      Cli.Result first = Cli.run(env(rotating), "secrets", "rotate");
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out()).contains("sealing with key " + SecretBox.keyId(NEW) + "; opening with 3 keys")
          .contains("tenants.db_password_enc: ").contains("tenants.admin_password_enc: ")
          .contains("done: 7 value(s) re-sealed; every stored secret opens with key " + SecretBox.keyId(NEW) + " alone");
    } finally {
      service.stop();
    }

    // the old keys can go
    assertThat(sealedValues()).allMatch(v -> v.startsWith("v2:" + SecretBox.keyId(NEW) + ":"));
    assertThat(storedPasswords(NEW)).isEqualTo(plain());
    Cli.Result again = Cli.run(env(NEW), "secrets", "rotate");
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("tenants.db_password_enc: 0 re-sealed, 6 already with key")
        .contains("tenants.admin_password_enc: 0 re-sealed, 4 already with key").contains("done: 0 value(s)");
  }

  @Test
  void withoutTheKeyAValueNeedsTheRotationStopsNamingTheValueAndKeepsItsSecret() throws Exception {
    Cli.Result r = Cli.run(env(NEW + "," + OLD), "secrets", "rotate");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("tenants.db_password_enc of row id " + passwords.keySet().stream()
        .reduce((a, b) -> b).orElseThrow()).contains("none of SECRET_KEY's keys");
    assertThat(r.out() + r.err()).doesNotContain("password-").doesNotContain(NEW).doesNotContain(OLD);
    // what could be re-sealed before it was, and still opens
    assertThat(sealedValues().stream().filter(v -> v.startsWith("v2:" + SecretBox.keyId(NEW)))).hasSize(9);
  }

  @Test
  void aWeakKeyInTheListIsAConfigurationError() {
    Cli.Result r = Cli.run(env(NEW + ",short"), "secrets", "rotate");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("SECRET_KEY: key 2 of 2 is too weak");
  }

  private Map<Long, List<String>> plain() {
    Map<Long, List<String>> out = new LinkedHashMap<>();
    passwords.forEach((id, p) -> out.put(id, java.util.Arrays.asList(p)));
    return out;
  }

  /** Every tenant's passwords as the service's job steps read them. */
  private Map<Long, List<String>> storedPasswords(String secretKey) throws Exception {
    TenantCredentials credentials = new TenantCredentials(new SecretBox(secretKey));
    Pool pool = Database.pool(vertx, db, 2);
    try {
      Map<Long, List<String>> out = new LinkedHashMap<>();
      for (long id : passwords.keySet()) {
        boolean hasAdmin = passwords.get(id)[1] != null;
        out.put(id, java.util.Arrays.asList(await(credentials.databasePassword(pool, id)),
            hasAdmin ? await(credentials.adminPassword(pool, id)) : null));
      }
      return out;
    } finally {
      pool.close();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private long insertTenant(String name, String dbPasswordEnc, String adminPasswordEnc) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        PreparedStatement s = c.prepareStatement("INSERT INTO tenants (name, namespace, helm_release_name, domain, "
            + "db_name, db_user, app_name, plan, source, db_password_enc, admin_password_enc) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, 'pro', 'stripe', ?, ?) RETURNING id")) {
      String ns = "tenant-" + name;
      s.setString(1, name);
      s.setString(2, ns);
      s.setString(3, ns);
      s.setString(4, ns + ".example.org");
      s.setString(5, "ca_" + name);
      s.setString(6, "ca_" + name);
      s.setString(7, "ca_" + name);
      s.setString(8, dbPasswordEnc);
      s.setString(9, adminPasswordEnc);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> sealedValues() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT db_password_enc, admin_password_enc FROM tenants ORDER BY id")) {
      while (rs.next()) {
        for (int i = 1; i <= 2; i++) {
          if (rs.getString(i) != null) {
            out.add(rs.getString(i));
          }
        }
      }
    }
    return out;
  }
}
