package io.caprovisioner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestPrometheus;
import io.caprovisioner.testing.TestService;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as a real process of its own (the main classes and logback.xml, not the tests'),
 * with LOG_FORMAT=json on a real PostgreSQL: its log lines, then a real SIGTERM during a stream of
 * requests. The job runner runs, and with no DB_HOST the new tenant waits at mysql.create.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeProcessTest {
  private static final String EMAIL = "registrar@drain-museum.example";
  private static final int DRAIN_DELAY_SECONDS = 3;

  @TempDir
  static Path tmp;
  static Process process;
  static Path stdout;
  static int port;

  private static ProcessHandle service;

  @BeforeAll
  static void start() throws Exception {
    DatabaseUrl db = TestPostgres.freshDatabase();
    port = TestPrometheus.freePort();
    Map<String, String> env = TestService.env(db, tmp.resolve("home"), Map.of("PORT", Integer.toString(port),
        "MANAGEMENT_PORT", Integer.toString(TestPrometheus.freePort()), "LOG_FORMAT", "json",
        "DRAIN_DELAY_SECONDS", Integer.toString(DRAIN_DELAY_SECONDS)));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", classpath,
        "-Dlogback.configurationFile=" + Path.of("target/classes/logback.xml").toAbsolutePath(),
        Main.class.getName(), "serve");
    pb.environment().clear();
    pb.environment().putAll(env);
    stdout = tmp.resolve("stdout.log");
    process = pb.redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(process.isAlive()).as(() -> log()).isTrue();
      return "200".equals(request("GET", "/livez", null));
    });
  }

  @AfterAll
  static void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static String log() {
    try {
      return Files.readString(stdout);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** Started as {@code java -jar} would be, without a heap option: the service runs bounded, in a child. */
  @Test
  @Order(0)
  void withoutAHeapOptionTheServiceRunsInAChildJvmWithTheDefaultHeapBound() throws IOException {
    List<ProcessHandle> children = process.children().toList();
    assertThat(children).hasSize(1);
    service = children.get(0);
    // ProcessHandle.Info has no arguments for a command line this long: the kernel's own copy
    List<String> arguments = List.of(Files.readString(Path.of("/proc/" + service.pid() + "/cmdline")).split("\0"));
    assertThat(arguments).contains(BoundedHeap.DEFAULT_MAX_HEAP, "-XX:+ExitOnOutOfMemoryError",
        BoundedHeap.DEFAULT_COLLECTOR, BoundedHeap.DEFAULT_START_HEAP, BoundedHeap.CLIENT_COMPILER_ONLY);
    assertThat(log()).contains("no heap option given: serving in a child JVM (pid " + service.pid() + ")");
  }

  @Test
  @Order(1)
  void jsonLogLinesParseCarryTheJobsMdcAndNoSecretOrEmail() throws Exception {
    String body = "{\"email\":\"" + EMAIL + "\",\"plan\":\"starter\"}";
    assertThat(request("POST", "/tenants/provision", body)).isEqualTo("201");
    await().atMost(Duration.ofSeconds(60)).until(() -> log().contains("waits at mysql.create"));

    List<JsonObject> lines = new ArrayList<>();
    for (String line : log().split("\n")) {
      if (!line.isBlank()) {
        lines.add(new JsonObject(line)); // every line is JSON: nothing else reaches stdout
      }
    }
    for (JsonObject line : lines) {
      assertThat(OffsetDateTime.parse(line.getString("time"))).isNotNull(); // ISO-8601 with its offset
      assertThat(line.getString("level")).isNotBlank();
    }
    JsonObject waits = lines.stream().filter(l -> l.getString("formattedMessage").contains("waits at mysql.create"))
        .findFirst().orElseThrow();
    JsonObject mdc = waits.getJsonObject("mdc");
    assertThat(mdc.getString("tenant")).startsWith("tenant-");
    assertThat(mdc.getString("step")).isEqualTo("mysql.create");
    assertThat(mdc.getString("job")).matches("\\d+");
    assertThat(mdc.getString("job_kind")).isEqualTo("tenant.reconcile");
    assertThat(lines).anySatisfy(l -> assertThat(l.getString("loggerName")).isEqualTo("access"));
    assertThat(lines.stream().filter(l -> "access".equals(l.getString("loggerName")))
        .map(l -> l.getString("formattedMessage")))
        .anySatisfy(m -> assertThat(m).matches("POST /tenants/provision 201 \\d+ms"))
        .allSatisfy(m -> assertThat(m).doesNotContain("?"));
    String all = log();
    assertThat(all).doesNotContain(EMAIL).doesNotContain(TestService.TOKEN).doesNotContain(TestService.SECRET_KEY)
        .doesNotContain(TestService.WEBHOOK_SECRET);
  }

  @Test
  @Order(2)
  void sigtermTurnsReadinessTo503WhileRequestsStillSucceedThenTheListenerCloses() throws Exception {
    record Answer(long at, String path, String outcome) {
    }
    List<Answer> answers = new ArrayList<>();
    assertThat(request("GET", "/readyz", null)).isEqualTo("200");
    long signalled = System.nanoTime();
    process.destroy(); // SIGTERM
    while (process.isAlive() && System.nanoTime() - signalled < TimeUnit.SECONDS.toNanos(60)) {
      for (String path : new String[] {"/readyz", "/tenants"}) {
        answers.add(new Answer(System.nanoTime() - signalled, path, request("GET", path, null)));
      }
      Thread.sleep(50);
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
    // the signal reached the bounded child, which drained and stopped; its exit code is the process's
    assertThat(service.isAlive()).isFalse();
    assertThat(process.exitValue()).isEqualTo(143);

    // nothing but answers or a closed port: no reset connection, no 5xx other than readiness' 503.
    // One exception, at the closing edge only: a connection the kernel accepted in the instant the
    // listener closed is dropped unanswered or reset, however the server drains (it never read the
    // request; the drain delay before it is what keeps load balancers from sending such requests).
    // An unanswered request before the last answer would be a real failure.
    long lastAnswer = answers.stream().filter(a -> a.outcome().equals("200") || a.outcome().equals("503"))
        .mapToLong(Answer::at).max().orElse(0);
    java.util.function.Predicate<Answer> edge = a -> a.outcome().equals("no answer")
        || a.outcome().contains("Connection reset");
    assertThat(answers).filteredOn(edge.negate())
        .allSatisfy(a -> assertThat(a.outcome()).isIn("200", "503", "refused"));
    assertThat(answers).filteredOn(edge).allSatisfy(a ->
        assertThat(a.at()).as("an unanswered request while the service still answered").isGreaterThan(lastAnswer));
    answers.removeIf(edge);
    long firstRefused = answers.stream().filter(a -> a.outcome().equals("refused")).mapToLong(Answer::at).min()
        .orElseThrow(() -> new AssertionError("the listener never closed: " + answers));
    List<Answer> beforeClose = answers.stream().filter(a -> a.at() < firstRefused).toList();
    // the JVM runs the shutdown hook a moment after the signal: 200 until then, then only 503
    long first503 = beforeClose.stream().filter(a -> a.outcome().equals("503")).mapToLong(Answer::at).min()
        .orElseThrow(() -> new AssertionError("readiness never answered 503 before the listener closed: " + answers));
    assertThat(beforeClose.stream().filter(a -> a.path().equals("/readyz") && a.at() > first503).map(Answer::outcome))
        .isNotEmpty().containsOnly("503");
    assertThat(Duration.ofNanos(firstRefused - first503)).isGreaterThanOrEqualTo(Duration.ofSeconds(DRAIN_DELAY_SECONDS - 1));
    assertThat(beforeClose.stream().filter(a -> a.path().equals("/tenants")).map(Answer::outcome))
        .isNotEmpty().containsOnly("200");
    assertThat(answers.stream().filter(a -> a.at() > firstRefused).map(Answer::outcome)).containsOnly("refused");
  }

  /**
   * One request on a connection of its own ({@code Connection: close}); the status code, or
   * {@code refused} when nothing listens, or what went wrong otherwise.
   */
  static String request(String method, String path, String body) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(30_000);
      byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + "Authorization: Bearer " + TestService.TOKEN + "\r\n"
          + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n")
          + "\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return status == null ? "no answer" : status.split(" ")[1];
    } catch (ConnectException e) {
      return "refused";
    } catch (IOException e) {
      return "failed: " + e;
    }
  }
}
