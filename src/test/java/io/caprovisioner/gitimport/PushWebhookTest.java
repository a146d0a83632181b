package io.caprovisioner.gitimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.testing.TestHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A forge's push notification makes the service fetch at once instead of at the next poll. */
class PushWebhookTest {
  static final String TOKEN = "gitea-webhook-secret-0123456789";
  @TempDir
  Path tmp;
  ImportFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  int post(String body, String header, String value) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.service.port()
        + "/webhooks/git")).POST(HttpRequest.BodyPublishers.ofString(body)).header("X-GitHub-Event", "push");
    if (header != null) {
      b.header(header, value);
    }
    HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 400) {
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    }
    return r.statusCode();
  }

  @Test
  void aSignedPushTriggersTheImportAndABadSignatureIsRefused() throws Exception {
    f = new ImportFixture(tmp).start(Map.of("GIT_WEBHOOK_TOKEN", TOKEN, "GITOPS_POLL_INTERVAL", "3600"));
    // the import at start-up has run
    await().atMost(Duration.ofSeconds(20)).until(() -> f.importState().getString("last_commit") != null);
    f.tenantNew("city-museum", "pro", "registrar@city-museum.org");
    f.commitAndPush("Add the city museum");
    Thread.sleep(1_500);
    assertThat(f.tenant("city-museum")).isEmpty();

    String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + f.remoteTip().orElseThrow() + "\"}";
    String signature = new PushSignature(TOKEN).hmacHex(body.getBytes(StandardCharsets.UTF_8));
    assertThat(post(body, null, null)).isEqualTo(401);
    assertThat(post(body, "X-Hub-Signature-256", "sha256=" + "0".repeat(64))).isEqualTo(401);
    assertThat(post(body, "X-Gitlab-Token", "wrong")).isEqualTo(401);
    Thread.sleep(500);
    assertThat(f.tenant("city-museum")).isEmpty();

    assertThat(post(body, "X-Hub-Signature-256", "sha256=" + signature)).isEqualTo(202);

    f.awaitTenant("city-museum");
    // a burst of notifications is folded into at most one more fetch, and imports nothing twice
    for (int i = 0; i < 5; i++) {
      assertThat(post(body, "X-Gitea-Signature", signature)).isEqualTo(202);
    }
    Thread.sleep(1_000);
    assertThat(f.http.get("/tenants").array()).hasSize(1);
    assertThat(f.intentKinds(f.tenant("city-museum").get().getLong("id"))).containsExactly("provision");
  }

  /** Sends only the request head of a POST that declares {@code length} bytes; returns the status line. */
  private String headOnly(long length) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", f.service.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST /webhooks/git HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + "application/json\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  void theRouteAnswersFromTheHeadersAloneSoNoLargeBodyIsEverBuffered() throws Exception {
    // unconfigured: a 25 MiB announcement gets its 404 before a byte of the body is sent
    f = new ImportFixture(tmp).start(Map.of());
    assertThat(headOnly(25L * 1024 * 1024)).isEqualTo("HTTP/1.1 404 Not Found");
    f.close();

    java.nio.file.Files.createDirectories(tmp.resolve("configured"));
    f = new ImportFixture(tmp.resolve("configured")).start(Map.of("GIT_WEBHOOK_TOKEN", TOKEN,
        "GITOPS_POLL_INTERVAL", "3600"));
    assertThat(headOnly(25L * 1024 * 1024)).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
    // a small notification with a bad signature is still read and refused as before
    assertThat(post("{}", "X-Hub-Signature-256", "sha256=" + "0".repeat(64))).isEqualTo(401);
  }

  @Test
  void theAdminEndpointsNeedTheBearerToken() {
    f = new ImportFixture(tmp).start(Map.of());
    for (String path : new String[] {"/admin/gitops/import", "/admin/gitops/pending-deletions"}) {
      TestHttp.Response r = f.http.send("GET", path, null, null);
      assertThat(r.status()).isEqualTo(401);
      assertThat(f.http.get(path).status()).isEqualTo(200);
    }
  }
}
