package io.caprovisioner.bench;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.LeaseLostException;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.jobs.RunnerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A job runner in a JVM of its own, with production heartbeat and lease settings, so a crash test
 * or the bench can kill it with SIGKILL or pause it with SIGSTOP, as an operator's worst day would.
 * Its one handler holds each job for a while, then records it with a fenced no-op transaction and
 * says on stdout what the fence answered: {@code runner-process: wrote <id>} or
 * {@code runner-process: refused <id>}. The database comes from {@code DATABASE_URL} (never the
 * command line, which other users of the machine can read).
 */
public final class RunnerProcess {
  static final String PREFIX = "runner-process: ";

  private RunnerProcess() {
  }

  /** Arguments: runner id, job kind, hold in milliseconds (negative: forever), workers. */
  public static void main(String[] args) {
    String runnerId = args[0];
    String kind = args[1];
    long holdMillis = Long.parseLong(args[2]);
    int workers = Integer.parseInt(args[3]);
    Vertx vertx = Vertx.vertx();
    DatabaseUrl url = DatabaseUrl.parse(System.getenv("DATABASE_URL"));
    Pool pool = Database.pool(vertx, url, 4);
    JobRunner runner = new JobRunner(vertx, pool, RunnerOptions.defaults(workers).withRunnerId(runnerId));
    runner.register(kind, ctx -> {
      say("claimed " + ctx.job().id());
      if (holdMillis < 0) {
        return Promise.<Outcome>promise().future();
      }
      Promise<Void> held = Promise.promise();
      ctx.vertx().setTimer(Math.max(1, holdMillis), t -> held.complete());
      return held.future().compose(v -> ctx.fenced(sql -> Future.succeededFuture()))
          .map(v -> {
            say("wrote " + ctx.job().id());
            return Outcome.done("held " + holdMillis + " ms");
          })
          .onFailure(e -> say((e instanceof LeaseLostException ? "refused " : "failed ") + ctx.job().id()));
    });
    runner.start().toCompletionStage().toCompletableFuture().join();
    say("ready");
  }

  private static void say(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }

  /** This class in a child JVM on this JVM's class path (the jar, or the test class path). */
  public static Child launch(DatabaseUrl url, String runnerId, String kind, long holdMillis, int workers)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        RunnerProcess.class.getName(), runnerId, kind, Long.toString(holdMillis), Integer.toString(workers))
        .redirectErrorStream(true);
    pb.environment().put("DATABASE_URL", "postgresql://" + url.user() + ":"
        + (url.password() == null ? "" : URLEncoder.encode(url.password(), StandardCharsets.UTF_8))
        + "@" + url.host() + ":" + url.port() + "/" + url.database());
    return new Child(pb.start());
  }

  /** A started runner process and what it said so far. */
  public static final class Child implements AutoCloseable {
    private final Process process;
    private final List<String> said = new CopyOnWriteArrayList<>();

    Child(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith(PREFIX)) {
              said.add(line.substring(PREFIX.length()));
            }
          }
        } catch (IOException ignored) {
          // the process is gone: what it said is kept
        }
      }, "runner-process-output");
      reader.setDaemon(true);
      reader.start();
    }

    public long pid() {
      return process.pid();
    }

    /** Lines it printed, without the prefix: {@code ready}, {@code claimed 12}, {@code wrote 12}, {@code refused 12}. */
    public List<String> said() {
      return List.copyOf(said);
    }

    /** SIGKILL: no shutdown hook, no release, connections dropped by the kernel. */
    public void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    /** SIGSTOP or SIGCONT: the whole JVM frozen (or thawed), its sockets left open. */
    public void signal(String name) throws IOException, InterruptedException {
      int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IOException("kill -" + name + " " + process.pid() + " exited " + exit);
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }
}
