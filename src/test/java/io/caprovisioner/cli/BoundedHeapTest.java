package io.caprovisioner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestPrometheus;
import io.caprovisioner.testing.TestService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} without a heap option, as {@code java -jar} starts it: the bounded child it runs in. */
class BoundedHeapTest {
  @TempDir
  Path tmp;

  @Test
  void anyHeapOptionOfOnesOwnIsRespected() {
    assertThat(BoundedHeap.heapGiven(List.of("-Dlogback.configurationFile=x"))).isFalse();
    assertThat(BoundedHeap.heapGiven(List.of("-Xmx1g"))).isTrue();
    assertThat(BoundedHeap.heapGiven(List.of("-XX:MaxRAMPercentage=75"))).isTrue();
    assertThat(BoundedHeap.heapGiven(List.of("-XX:MaxHeapSize=268435456"))).isTrue();
  }

  @Test
  void whenTheStartingJvmIsKilledTheBoundedServiceStopsTooInsteadOfLivingOnUnseen() throws Exception {
    Map<String, String> env = TestService.env(TestPostgres.freshDatabase(), tmp.resolve("home"),
        Map.of("PORT", Integer.toString(TestPrometheus.freePort()),
            "MANAGEMENT_PORT", Integer.toString(TestPrometheus.freePort())));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath, Main.class.getName(), "serve")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("serve.log").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process supervisor = pb.start();
    try {
      Optional<ProcessHandle> service = await().atMost(Duration.ofSeconds(60))
          .until(() -> supervisor.children().findFirst(), Optional::isPresent);
      supervisor.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no hook of its own runs

      assertThat(service.get().onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
      supervisor.destroyForcibly();
    }
  }
}
