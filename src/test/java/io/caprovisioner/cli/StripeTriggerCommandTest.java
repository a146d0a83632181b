package io.caprovisioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stripe trigger} with the Stripe CLI's event names, against the running service. */
class StripeTriggerCommandTest {
  private static final Pattern SENT = Pattern.compile(
      "(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d   --> ([a-z._]+) \\[(evt_\\w+)]$");
  private static final Pattern ANSWER = Pattern.compile(
      "(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  <--  \\[(\\d{3})] POST (\\S+) \\[(evt_\\w+)]$");
  @TempDir
  static Path home;
  static DatabaseUrl db;
  static ProvisionerService service;
  static Map<String, String> env;

  @BeforeAll
  static void start() {
    db = TestPostgres.freshDatabase();
    env = TestService.env(db, home, Map.of("JOB_WORKERS", "0"));
    service = ProvisionerService.start(ConfigLoader.load(env));
  }

  @AfterAll
  static void stop() {
    service.stop();
  }

  static String url() {
    return "http://127.0.0.1:" + service.port();
  }

  /** Runs the trigger and returns the event id, after checking both lines name it and the type. */
  static String trigger(String expectedType, String... args) throws Exception {
    String[] all = new String[args.length + 4];
    all[0] = "stripe";
    all[1] = "trigger";
    System.arraycopy(args, 0, all, 2, args.length);
    all[all.length - 2] = "--url";
    all[all.length - 1] = url();
    Cli.Result r = Cli.run(env, all);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Matcher sent = SENT.matcher(r.out());
    Matcher answer = ANSWER.matcher(r.out());
    assertThat(sent.find()).as(r.out()).isTrue();
    assertThat(answer.find()).as(r.out()).isTrue();
    assertThat(sent.group(1)).isEqualTo(expectedType);
    assertThat(answer.group(1)).isEqualTo("200");
    assertThat(answer.group(2)).isEqualTo(url() + "/webhooks/stripe");
    assertThat(answer.group(3)).isEqualTo(sent.group(2));
    assertThat(storedType(sent.group(2))).isEqualTo(expectedType);
    return sent.group(2);
  }

  static String storedType(String eventId) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        PreparedStatement s = c.prepareStatement("SELECT type FROM stripe_events WHERE id = ?")) {
      s.setString(1, eventId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Test
  void theStripeCliEventNamesAreSentAndStoredAsThatType() throws Exception {
    trigger("checkout.session.completed", "checkout.session.completed", "--email", "a@b.org",
        "--subscription", "sub_trigger1");
    trigger("customer.subscription.created", "customer.subscription.created", "--subscription", "sub_trigger1");
    trigger("customer.subscription.updated", "customer.subscription.updated", "--subscription", "sub_trigger1",
        "--status", "past_due");
    trigger("invoice.payment_failed", "invoice.payment_failed", "--subscription", "sub_trigger1");
    trigger("invoice.payment_succeeded", "invoice.payment_succeeded", "--subscription", "sub_trigger1");
    trigger("customer.subscription.deleted", "customer.subscription.deleted", "--subscription", "sub_trigger1");
  }

  @Test
  void theShortNamesStillWork() throws Exception {
    trigger("checkout.session.completed", "checkout", "--email", "c@d.org");
    trigger("customer.subscription.deleted", "subscription", "--subscription", "sub_trigger2", "--deleted");
    trigger("invoice.payment_succeeded", "invoice", "--subscription", "sub_trigger2", "--paid");
  }

  @Test
  void aRefusedSignatureShowsTheStatusAndFails() {
    Map<String, String> wrong = new HashMap<>(env);
    wrong.put("STRIPE_WEBHOOK_SECRET", "whsec_not_the_service_secret");
    Cli.Result r = Cli.run(wrong, "stripe", "trigger", "checkout.session.completed", "--email", "a@b.org", "--url",
        url());

    assertThat(r.exit()).isEqualTo(1);
    Matcher answer = ANSWER.matcher(r.out());
    assertThat(answer.find()).as(r.out()).isTrue();
    assertThat(answer.group(1)).isEqualTo("400");
  }

  @Test
  void anEventTheServiceDoesNotActOnIsAnUnknownCommand() {
    Cli.Result r = Cli.run(env, "stripe", "trigger", "invoice.paid", "--subscription", "sub_x", "--url", url());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument").contains("invoice.paid");
  }

  @Test
  void anUnreachableServiceIsAnErrorLine() {
    Cli.Result r = Cli.run(env, "stripe", "trigger", "invoice.payment_failed", "--subscription", "sub_x", "--url",
        "http://127.0.0.1:1");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("<--  \\[ERROR] POST http://127.0.0.1:1/webhooks/stripe \\[evt_\\w+]: "
        + "cannot reach the service");
  }
}
