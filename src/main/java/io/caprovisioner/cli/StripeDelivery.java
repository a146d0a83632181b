package io.caprovisioner.cli;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.stripe.StripeWebhookHandler;
import io.caprovisioner.stripe.WebhookSender;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options and delivery shared by {@code stripe trigger} and {@code stripe send}: signs with the
 * configured webhook secret (the first of STRIPE_WEBHOOK_SECRET, or in dev mode the one generated
 * under PROVISIONER_HOME, read through ConfigLoader like the service does) and posts.
 */
final class StripeDelivery {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Option(names = "--url", defaultValue = "http://localhost:8000",
      description = "Base URL of the running service (default: ${DEFAULT-VALUE}).")
  String url;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The environment the configuration is read from; tests give their own. */
  Map<String, String> env = System.getenv();

  Config config() {
    return ConfigLoader.load(env);
  }

  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /**
   * Prints what was sent and the answer in the shape of {@code stripe listen}
   * ({@code --> type [evt_...]}, {@code <-- [200] POST url [evt_...]}); the exit code is 0 only for a 2xx.
   */
  int send(Config config, byte[] body) {
    PrintWriter out = out();
    String type = "?";
    String eventId = "?";
    String subscription = null;
    try {
      JsonObject event = new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
      eventId = event.getString("id", "?");
      type = event.getString("type", "?");
      subscription = subscriptionOf(event);
    } catch (RuntimeException e) {
      out.println("warning: the body is not a JSON event; sending it anyway");
    }
    URI endpoint = URI.create(url.replaceAll("/+$", "") + StripeWebhookHandler.PATH);
    out.println(now() + "   --> " + type + " [" + eventId + "]");
    try {
      HttpResponse<String> r = new WebhookSender(config.stripe().webhookSecrets().get(0)).send(endpoint, body);
      out.println(now() + "  <--  [" + r.statusCode() + "] POST " + endpoint + " [" + eventId + "]");
      boolean ok = r.statusCode() / 100 == 2;
      if (!ok) {
        out.println("    " + r.body());
      }
      if (subscription != null) {
        out.println("    subscription " + subscription);
      }
      return ok ? 0 : 1;
    } catch (java.io.IOException e) {
      out.println(now() + "  <--  [ERROR] POST " + endpoint + " [" + eventId + "]: cannot reach the service ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      out.flush();
    }
  }

  private static String now() {
    return LocalDateTime.now().format(CLOCK);
  }

  private static String subscriptionOf(JsonObject event) {
    JsonObject object = event.getJsonObject("data", new JsonObject()).getJsonObject("object", new JsonObject());
    if ("subscription".equals(object.getString("object"))) {
      return object.getString("id");
    }
    if (object.getValue("subscription") instanceof String s) {
      return s;
    }
    JsonObject parent = object.getJsonObject("parent");
    if (parent != null && parent.getJsonObject("subscription_details") != null) {
      return parent.getJsonObject("subscription_details").getString("subscription");
    }
    return null;
  }
}
