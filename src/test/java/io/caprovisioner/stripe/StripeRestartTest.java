package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The 200 means durable: an event whose job had not run when the service stopped is applied once after restart. */
class StripeRestartTest {
  @Test
  void anEventAcceptedBeforeAStopIsAppliedOnceAfterTheRestart() {
    String sub = StripeEventFactory.id("sub");
    JsonObject event = StripeEventFactory.checkoutCompleted("restart@example.org", Optional.of("pro"),
        StripeEventFactory.id("cus"), sub, TestSigner.now());
    StripeTestService service = new StripeTestService(Map.of());
    try {
      assertThat(service.deliver(event).statusCode()).isEqualTo(200);
      service.stop();
      assertThat(service.eventStatus(event.getString("id"))).isEqualTo("received");
      assertThat(service.tenantOf(sub)).isNull();

      service.start();
      assertThat(service.runApplyJobs()).isEqualTo(1);
      assertThat(service.runApplyJobs()).isZero();
      // a redelivery after the restart and a second run of the job change nothing
      assertThat(new JsonObject(service.deliver(event).body()).getBoolean("duplicate")).isTrue();
      service.apply(event.getString("id"));
      assertThat(service.eventStatus(event.getString("id"))).isEqualTo("applied");
      assertThat(service.count("SELECT count(*) FROM tenants")).isEqualTo(1);
      assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE kind = 'provision'")).isEqualTo(1);
    } finally {
      service.close();
    }
  }
}
