package io.caprovisioner.gitimport;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.testing.TestHttp;

/** Without GIT_WEBHOOK_TOKEN, POST /webhooks/git is a JSON 404 (the repository is polled instead). */
final class TestHttp404 {
  private TestHttp404() {
  }

  static void assertNotConfigured(ImportFixture f) {
    TestHttp.Response r = f.http.send("POST", "/webhooks/git", "{}", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.object().getString("detail")).contains("GIT_WEBHOOK_TOKEN");
  }
}
