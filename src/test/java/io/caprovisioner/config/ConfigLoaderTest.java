package io.caprovisioner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.tenant.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path home;

  Map<String, String> production() {
    Map<String, String> env = new HashMap<>();
    env.put("PROVISIONER_HOME", home.toString());
    env.put("DATABASE_URL", "postgresql://ca:s%40cret@db.internal:5433/provisioner");
    env.put("ADMIN_API_TOKEN", "aQ7mZ2xW9pL4kN8vB3cR6tY1" + "a".repeat(16));
    env.put("SECRET_KEY", "kH5jD8sF2gA9qW4eR7tY0uI3" + "k".repeat(16));
    env.put("STRIPE_WEBHOOK_SECRET", "whsec_0123456789abcdef");
    return env;
  }

  @Test
  void devModeGeneratesSecretsOnceAndKeepsThem() throws Exception {
    Config first = ConfigLoader.load(Map.of("PROVISIONER_HOME", home.toString()));
    assertThat(first.devMode()).isTrue();
    assertThat(first.secrets().adminApiToken()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(first.stripe().webhookSecrets()).singleElement().asString().startsWith("whsec_");
    Path tokenFile = first.secrets().adminTokenFile().orElseThrow();
    assertThat(tokenFile).startsWith(home);
    assertThat(Files.getPosixFilePermissions(tokenFile)).extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");

    Config second = ConfigLoader.load(Map.of("PROVISIONER_HOME", home.toString()));
    assertThat(second.secrets().adminApiToken()).isEqualTo(first.secrets().adminApiToken());
    assertThat(second.secrets().secretKey()).isEqualTo(first.secrets().secretKey());
    assertThat(second.stripe().webhookSecrets()).isEqualTo(first.stripe().webhookSecrets());
    assertThat(second.postgres().embeddedDataDir()).isEqualTo(home.resolve("pg"));
  }

  @Test
  void productionReadsEverythingFromTheEnvironment() {
    Map<String, String> env = production();
    env.put("STRIPE_WEBHOOK_SECRET", "whsec_0123456789abcdef, whsec_fedcba9876543210");
    env.put("STRIPE_PRICE_PLANS", "price_a=starter,price_b=pro");
    Config c = ConfigLoader.load(env);
    assertThat(c.devMode()).isFalse();
    DatabaseUrl url = c.postgres().url().orElseThrow();
    assertThat(url).isEqualTo(new DatabaseUrl("db.internal", 5433, "provisioner", "ca", "s@cret"));
    assertThat(url.toString()).doesNotContain("s@cret");
    env.put("DATABASE_URL", "postgresql://ca:pw@db.internal/provisioner?sslmode=require");
    assertThat(ConfigLoader.load(env).postgres().url().orElseThrow().jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5432/provisioner?sslmode=require");
    env.put("DATABASE_URL", "postgresql://ca:pw@db.internal/provisioner?sslmode=sometimes");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining("sslmode");
    assertThat(c.stripe().webhookSecrets()).containsExactly("whsec_0123456789abcdef", "whsec_fedcba9876543210");
    assertThat(c.plans().byStripePrice("price_b").orElseThrow().name()).isEqualTo("pro");
    assertThat(c.http().port()).isEqualTo(8000);
    assertThat(c.toString()).doesNotContain("aaaaaaaa").doesNotContain("kkkkkkkk").doesNotContain("whsec_0123");
    assertThat(home.resolve("secrets")).doesNotExist();
  }

  @Test
  void productionRefusesMissingOrWeakSecretsNamingTheVariable() {
    for (String name : new String[] {"ADMIN_API_TOKEN", "SECRET_KEY", "STRIPE_WEBHOOK_SECRET"}) {
      Map<String, String> env = production();
      env.remove(name);
      assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class).hasMessageContaining(name);
    }
    Map<String, String> weak = production();
    weak.put("ADMIN_API_TOKEN", "secret");
    assertThatThrownBy(() -> ConfigLoader.load(weak)).hasMessageContaining("ADMIN_API_TOKEN").hasMessageContaining("weak");
    Map<String, String> badWebhook = production();
    badWebhook.put("STRIPE_WEBHOOK_SECRET", "nope");
    assertThatThrownBy(() -> ConfigLoader.load(badWebhook)).hasMessageContaining("STRIPE_WEBHOOK_SECRET");
    // long but not random: refused too, naming the variable
    for (String[] lowEntropy : new String[][] {{"ADMIN_API_TOKEN", "a".repeat(32)}, {"SECRET_KEY", "a".repeat(32)},
        {"STRIPE_WEBHOOK_SECRET", "whsec_0000000000"}, {"SECRET_KEY", "kH5jD8sF2gA9qW4eR7tY0uI3kkkkkkkk," + "b".repeat(40)}}) {
      Map<String, String> env = production();
      env.put(lowEntropy[0], lowEntropy[1]);
      assertThatThrownBy(() -> ConfigLoader.load(env)).as(lowEntropy[0]).isInstanceOf(ConfigException.class)
          .hasMessageContaining(lowEntropy[0]).hasMessageContaining("weak").hasMessageNotContaining(lowEntropy[1]);
    }
  }

  @Test
  void badValuesAreNamed() {
    Map<String, String> env = production();
    env.put("PORT", "eighty");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining("PORT");
    env.put("PORT", "8000");
    env.put("DATABASE_URL", "mysql://x/y");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining("DATABASE_URL");
    env.put("DATABASE_URL", "postgresql://u:p@h/db");
    env.put("STRIPE_PRICE_PLANS", "price_a=gold");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining("STRIPE_PRICE_PLANS")
        .hasMessageContaining("gold");
  }

  @Test
  void aTokenInTheGitopsUrlIsRefusedWithoutBeingEchoedAndSshUsersAreFine() {
    Map<String, String> env = production();
    env.put("GITOPS_REPO_URL", "https://ghp_tokenTOKENtoken1234@github.com/museum/gitops.git");
    assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("GITOPS_REPO_URL").hasMessageContaining("GIT_TOKEN")
        .hasMessageContaining("https://***@github.com/museum/gitops.git").hasMessageNotContaining("ghp_token");
    env.put("GITOPS_REPO_URL", "https://x-access-token:ghp_tokenTOKENtoken1234@github.com/museum/gitops.git");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageNotContaining("ghp_token");
    env.put("GITOPS_REPO_URL", "ssh://git@github.com/museum/gitops.git");
    assertThat(ConfigLoader.load(env).gitops().repoUrl()).contains("ssh://git@github.com/museum/gitops.git");
  }

  @Test
  void theBrandDefaultsToThisMachineAndAPublicUrlMustBeAPlainHttpUrl() {
    Map<String, String> env = production();
    assertThat(ConfigLoader.load(env).brand().publicUrl()).isEqualTo("http://localhost:8000");
    env.put("PUBLIC_URL", "https://signup.example.org/");
    assertThat(ConfigLoader.load(env).brand().publicUrl()).isEqualTo("https://signup.example.org");
    env.put("PUBLIC_URL", "https://user:pw@signup.example.org");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining("PUBLIC_URL").hasMessageNotContaining("pw@");
    env.put("PUBLIC_URL", "https://signup.example.org");
    env.put("SUPPORT_EMAIL", "not an address");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining("SUPPORT_EMAIL");
  }

  @Test
  void aPlansFileReplacesTheCatalogue() throws Exception {
    Path plans = home.resolve("plans.yaml");
    Files.writeString(plans, """
        plans:
          - name: archive
            displayName: Archive
            price: {amount: 9900, currency: EUR}
            resources: {cpuRequest: 250m, memoryRequest: 512Mi, cpuLimit: "1", memoryLimit: 1Gi}
            storage: 1Ti
            caProfile: dublincore
            stripePriceIds: [price_archive]
        """);
    Map<String, String> env = production();
    env.put("PLANS_FILE", plans.toString());
    Config c = ConfigLoader.load(env);
    assertThat(c.plans().names()).containsExactly("archive");
    assertThat(c.plans().byStripePrice("price_archive").orElseThrow().storage()).isEqualTo("1Ti");

    Files.writeString(plans, "plans:\n  - name: broken\n");
    assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("PLANS_FILE").hasMessageContaining("plans[0]");
  }

  @Test
  void aPlanNamesHowOftenItIsBackedUpAndHowManyAreKept() throws Exception {
    Path plans = home.resolve("plans.yaml");
    String plan = """
        plans:
          - name: archive
            price: {amount: 9900, currency: EUR}
            resources: {cpuRequest: 250m, memoryRequest: 512Mi, cpuLimit: "1", memoryLimit: 1Gi}
            storage: 1Ti
            caProfile: default
        """;
    Map<String, String> env = production();
    env.put("PLANS_FILE", plans.toString());
    Files.writeString(plans, plan + "    backups: {every: 6h, keep: 28}\n");
    Plan.BackupPolicy chosen = ConfigLoader.load(env).plans().byName("archive").orElseThrow().backups();
    assertThat(chosen.every()).isEqualTo(Duration.ofHours(6));
    assertThat(chosen.keep()).isEqualTo(28);
    assertThat(chosen.window()).isEqualTo(Duration.ofDays(7));

    Files.writeString(plans, plan);
    assertThat(ConfigLoader.load(env).plans().byName("archive").orElseThrow().backups())
        .isEqualTo(new Plan.BackupPolicy(Duration.ofHours(24), 14));

    Files.writeString(plans, plan + "    backups: {every: 30m, keep: 3}\n");
    assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("plans[0].backups.every").hasMessageContaining("30m");
    Files.writeString(plans, plan + "    backups: {every: 1d, keep: 0}\n");
    assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("plans[0].backups.keep");
    Files.writeString(plans, plan + "    backups: {every: 1d, kept: 3}\n");
    assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("backups.kept is unknown");
  }

  @Test
  void defaultPlansAreTheThreeOnSale() {
    Config c = ConfigLoader.load(production());
    assertThat(c.plans().names()).containsExactly("starter", "pro", "museum");
    assertThat(c.plans().all()).extracting(p -> p.monthlyPrice()).containsExactly(4900L, 19900L, 79900L);
    assertThat(c.plans().all()).extracting(p -> p.backups().every()).containsOnly(Duration.ofHours(24),
        Duration.ofHours(12));
    assertThat(c.plans().all()).extracting(p -> p.backups().keep()).containsExactly(7, 14, 60);
  }

  @Test
  void testPaymentsAreOnInDevModeWithoutAStripeKeyAndNeverBesideOne() {
    assertThat(ConfigLoader.load(Map.of("PROVISIONER_HOME", home.toString())).signup().testPayments()).isTrue();
    assertThat(ConfigLoader.load(production()).signup().testPayments()).isFalse();
    Map<String, String> keyed = production();
    keyed.put("STRIPE_SECRET_KEY", "sk_test_0123456789");
    keyed.put("SIGNUP_TEST_PAYMENTS", "true");
    assertThatThrownBy(() -> ConfigLoader.load(keyed)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SIGNUP_TEST_PAYMENTS=true and STRIPE_SECRET_KEY");
    Map<String, String> limited = production();
    limited.put("SIGNUP_RATE_LIMIT", "0");
    assertThatThrownBy(() -> ConfigLoader.load(limited)).hasMessageContaining("SIGNUP_RATE_LIMIT");
  }

  @Test
  void operationsSettingsHaveDefaultsAndRefuseNonsense() {
    Config c = ConfigLoader.load(production());
    assertThat(c.operations().managementPort()).isEqualTo(9464);
    assertThat(c.operations().drainDelay()).hasSeconds(5);
    assertThat(c.operations().logFormat()).isEqualTo(Config.LogFormat.PLAIN);

    Map<String, String> env = production();
    env.put("LOG_FORMAT", "json");
    env.put("DRAIN_DELAY_SECONDS", "0");
    assertThat(ConfigLoader.load(env).operations().logFormat()).isEqualTo(Config.LogFormat.JSON);
    assertThat(ConfigLoader.load(env).operations().drainDelay()).isZero();
    env.put("LOG_FORMAT", "JSON");
    assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class).hasMessageContaining("LOG_FORMAT");
    env.remove("LOG_FORMAT");
    env.put("MANAGEMENT_PORT", "8000");
    env.put("PORT", "8000");
    assertThatThrownBy(() -> ConfigLoader.load(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("MANAGEMENT_PORT");
    env.put("MANAGEMENT_PORT", "9464");
    env.put("DRAIN_DELAY_SECONDS", "-1");
    assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining("DRAIN_DELAY_SECONDS");
  }
}
