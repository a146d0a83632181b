package io.caprovisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.bench.RunnerProcess;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runners in processes of their own on one real PostgreSQL, killed with SIGKILL and frozen with
 * SIGSTOP, with the production lease (60 s) and heartbeat (1 s, dead after 5 s).
 */
class RunnerCrashRecoveryTest {
  private final QueueFixture db = new QueueFixture();
  private final List<RunnerProcess.Child> children = new ArrayList<>();

  @AfterEach
  void close() throws InterruptedException {
    for (RunnerProcess.Child c : children) {
      c.close();
    }
    db.close();
  }

  @Test
  void jobsOfAKilledAndOfAPausedRunnerAreTakenOverInSecondsAndEachIsFinishedOnce() throws Exception {
    db.rows("CREATE TABLE effects (job_id BIGINT, by_runner TEXT)");
    List<Long> killedJobs = enqueue(3);
    RunnerProcess.Child killed = child("killed", -1);
    await().atMost(Duration.ofSeconds(30)).until(() -> runningBy("killed") == 3);
    List<Long> pausedJobs = enqueue(3);
    // it records each job 5 s after claiming it: by then it is frozen, and it tries when thawed
    RunnerProcess.Child paused = child("paused", 5_000);
    await().atMost(Duration.ofSeconds(30)).until(() -> runningBy("paused") == 3);

    paused.signal("STOP");
    killed.kill();
    long crashed = System.nanoTime();
    // the rescuer runs with production settings too: its own poll is 10 s, the leases 60 s
    var rescuer = db.runner(RunnerOptions.defaults(4).withRunnerId("rescuer")).register("test.hold",
        ctx -> ctx.fenced(sql -> sql.preparedQuery("INSERT INTO effects VALUES ($1, 'rescuer')")
            .execute(io.vertx.sqlclient.Tuple.of(ctx.job().id()))).map(v -> Outcome.done("rescued")));
    rescuer.start();

    List<Long> all = new ArrayList<>(killedJobs);
    all.addAll(pausedJobs);
    // well below the 60 s lease: only the silent heartbeats can have freed the jobs this soon
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> all.stream().allMatch(id -> "done".equals(db.job(id).getString("state"))));
    double tookSeconds = (System.nanoTime() - crashed) / 1e9;
    assertThat(tookSeconds).isLessThan(30);
    for (long id : all) {
      assertThat(db.job(id).getString("last_error")).contains("stopped its heartbeat");
    }

    // thawed, the paused runner tries to record the jobs it held: the fence refuses every write
    paused.signal("CONT");
    await().atMost(Duration.ofSeconds(20))
        .until(() -> paused.said().stream().filter(l -> l.startsWith("refused ")).count() == pausedJobs.size());
    assertThat(paused.said()).noneMatch(l -> l.startsWith("wrote "));
    List<Row> effects = db.rows("SELECT job_id, by_runner FROM effects ORDER BY job_id");
    assertThat(effects).extracting(r -> r.getLong(0)).containsExactlyElementsOf(all.stream().sorted().toList());
    assertThat(effects).extracting(r -> r.getString(1)).containsOnly("rescuer");
    for (long id : all) {
      assertThat(db.job(id).getString("state")).isEqualTo("done");
    }
  }

  private List<Long> enqueue(int n) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(db.enqueue(null, "test.hold", new JsonObject(), null).orElseThrow());
    }
    return ids;
  }

  private RunnerProcess.Child child(String id, long holdMillis) throws Exception {
    RunnerProcess.Child c = RunnerProcess.launch(db.url, id, "test.hold", holdMillis, 3);
    children.add(c);
    return c;
  }

  private long runningBy(String runner) {
    return db.rows("SELECT count(*) FROM jobs WHERE state = 'running' AND locked_by LIKE $1", runner + "#%").get(0)
        .getLong(0);
  }
}
