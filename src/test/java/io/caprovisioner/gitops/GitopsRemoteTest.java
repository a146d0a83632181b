package io.caprovisioner.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.caprovisioner.config.Config;
import io.caprovisioner.render.TestConfigs;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.transport.CredentialItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of {@link GitopsRemote} that need no SSH or TLS server: the provider that refuses
 * unknown host keys, and the message for a refused token. SSH itself: {@link SshRemoteTest}.
 */
class GitopsRemoteTest {
  @TempDir
  Path tmp;

  @Test
  void refusesEveryQuestionAndKeepsIt() {
    List<GitopsRemote.Refusal> asked = new ArrayList<>();
    GitopsRemote.RefusingProvider provider = new GitopsRemote.RefusingProvider(asked);
    CredentialItem.InformationalMessage text = new CredentialItem.InformationalMessage(
        "The authenticity of host 'example.org' cannot be established.");
    CredentialItem.YesNoType accept = new CredentialItem.YesNoType("Accept and store this key?");
    accept.setValue(true);

    boolean answered = provider.get(null, text, accept);

    assertThat(answered).isFalse();
    assertThat(accept.getValue()).isFalse();
    assertThat(asked).singleElement().satisfies(r -> {
      assertThat(r.hostKey()).isTrue();
      assertThat(r.question()).contains("authenticity of host 'example.org'");
    });
    CredentialItem.Password passphrase = new CredentialItem.Password("Passphrase");
    assertThat(provider.get(null, passphrase)).isFalse();
    assertThat(passphrase.getValue()).isNull();
    assertThat(asked.get(1).hostKey()).isFalse();
  }

  @Test
  void aRefusedTokenFailsAtOnceWithUserAndTokenNamed() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger requests = new AtomicInteger();
    List<String> users = new ArrayList<>();
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth != null && auth.startsWith("Basic ")) {
        synchronized (users) {
          users.add(new String(Base64.getDecoder().decode(auth.substring(6))).split(":", 2)[0]);
        }
      }
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/org/gitops.git";
      Config config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", url, "GIT_TOKEN", "wrong"));
      long start = System.nanoTime();
      try (GitopsRemote remote = GitopsRemote.of(config, Optional.empty());
          LocalClone clone = new LocalClone(tmp.resolve("clone.git"), remote, "main")) {
        assertThatThrownBy(clone::fetch).isInstanceOf(GitopsUnavailableException.class)
            .hasMessageContaining("not authorized")
            .hasMessageContaining("refused user 'x-access-token' with GIT_TOKEN")
            .hasMessageNotContaining("wrong");
      }
      assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
      assertThat(requests.get()).isBetween(1, 5);
      assertThat(users).isNotEmpty().containsOnly("x-access-token");
    } finally {
      server.stop(0);
    }
  }
}
