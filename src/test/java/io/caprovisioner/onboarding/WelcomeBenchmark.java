package io.caprovisioner.onboarding;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Latency of the welcome page and of its JSON status, for a signup whose tenant exists (the full
 * read: session link, tenant, steps, contact, typical time): N requests one after another to the
 * whole service in-process on the embedded test PostgreSQL; prints median and p99, asserts nothing.
 *
 * <pre>
 * java -cp $CP io.caprovisioner.onboarding.WelcomeBenchmark [N=2000]
 * </pre>
 */
public final class WelcomeBenchmark {
  private WelcomeBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    try (SignupTestService app = new SignupTestService(Map.of("SIGNUP_TEST_PAYMENTS", "true",
        "SIGNUP_RATE_LIMIT", "1000000", "JOB_WORKERS", "1"))) {
      String session = "cs_test_benchmark0123456789abcdef";
      Map<String, String> form = new HashMap<>(SignupTestService.form("bench@example.org", "pro", "bench-museum"));
      form.put("session_id", session);
      if (app.postForm("/signup/test-payment", form).status() != 303) {
        throw new IllegalStateException("the test payment was refused");
      }
      long until = System.currentTimeMillis() + 30_000;
      while (app.get("/welcome/status?session_id=" + session).json().getString("phase")
          .equals("waiting_for_payment")) {
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException("the tenant was not created within 30 s");
        }
        Thread.sleep(100);
      }
      report("GET /welcome (HTML)", app, "/welcome?session_id=" + session, n);
      report("GET /welcome/status (JSON)", app, "/welcome/status?session_id=" + session, n);
    }
  }

  private static void report(String what, SignupTestService app, String path, int n) {
    int warmup = Math.min(300, n / 4);
    long[] nanos = new long[n];
    for (int i = -warmup; i < n; i++) {
      long start = System.nanoTime();
      SignupTestService.Reply r = app.get(path);
      long took = System.nanoTime() - start;
      if (r.status() != 200) {
        throw new IllegalStateException(path + ": HTTP " + r.status());
      }
      if (i >= 0) {
        nanos[i] = took;
      }
    }
    Arrays.sort(nanos);
    System.out.printf("%-28s n=%d  median %.2f ms  p99 %.2f ms%n", what, n, nanos[n / 2] / 1e6,
        nanos[(int) (n * 0.99)] / 1e6);
  }
}
