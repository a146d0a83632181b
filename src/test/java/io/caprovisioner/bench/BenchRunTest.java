package io.caprovisioner.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRunTest {
  @TempDir
  Path work;

  @Test
  void aFailingPartSaysWhatFailedAndTheLaterPartsStillPrintTheirFigures() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BenchFigures figures = new BenchFigures(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    BenchPart timesOut = part("webhook", f -> {
      throw new IllegalStateException(new TimeoutException());
    });
    BenchPart measures = part("commit", f -> f.put("commit_ms_small_repo", 9.5));

    List<String> failed = BenchRun.run(List.of(timesOut, measures),
        new BenchSettings(true, OptionalInt.empty(), work), figures);

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(failed).containsExactly("webhook");
    assertThat(out).contains("# webhook failed after 0 s: IllegalStateException: java.util.concurrent.TimeoutException"
        + " <- TimeoutException (at BenchRunTest.")
        .contains("commit_ms_small_repo: 9.50").contains("# commit took");
    assertThat(figures.all()).containsOnlyKeys("commit_ms_small_repo");
  }

  private interface Body {
    void run(BenchFigures figures) throws Exception;
  }

  private static BenchPart part(String name, Body body) {
    return new BenchPart() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run(BenchSettings settings, BenchFigures figures) throws Exception {
        body.run(figures);
      }
    };
  }
}
