package io.caprovisioner.cli;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.SealedColumns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(footer = {"", "Example:", "  SECRET_KEY=<new>,<old> java -jar ca-provisioner.jar secrets rotate"},
    name = "secrets", description = "The secrets kept sealed with SECRET_KEY.",
    subcommands = SecretsCommand.Rotate.class)
final class SecretsCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(footer = {"", "Example:", "  SECRET_KEY=<new>,<old> java -jar ca-provisioner.jar secrets rotate"},
    name = "rotate", description = {
      "Re-seal every stored secret with SECRET_KEY's first key (SECRET_KEY=new,old).",
      "Safe to interrupt and to run again: it carries on with what is left."})
  static final class Rotate implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    /** The environment the configuration is read from; tests give their own. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Config config = ConfigLoader.load(env);
      SecretBox box = new SecretBox(config.secrets().secretKey());
      int keys = SecretBox.keys(config.secrets().secretKey()).size();
      out.println("sealing with key " + box.sealingKeyId() + (keys > 1 ? "; opening with " + keys + " keys" : ""));
      Vertx vertx = Vertx.vertx();
      try (Database db = Database.open(config)) {
        Pool pool = db.pool(vertx, 2);
        try {
          List<SealedColumns.Resealed> result = await(new SealedColumns(pool)
              .resealAll(box::isSealedWithSealingKey, box::reseal));
          int total = 0;
          int changed = 0;
          for (SealedColumns.Resealed r : result) {
            out.println(r.column() + ": " + r.resealed() + " re-sealed, " + r.alreadyCurrent() + " already with key "
                + box.sealingKeyId() + (r.changedMeanwhile() > 0 ? ", " + r.changedMeanwhile()
                + " changed by the service meanwhile" : ""));
            total += r.resealed();
            changed += r.changedMeanwhile();
          }
          if (changed > 0) {
            out.println("done: " + total + " value(s) re-sealed; run it again for the " + changed
                + " the service changed meanwhile, once every replica runs with key " + box.sealingKeyId() + " first");
            return 0;
          }
          out.println("done: " + total + " value(s) re-sealed; every stored secret opens with key "
              + box.sealingKeyId() + " alone");
          return 0;
        } finally {
          pool.close();
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }

    private static <T> T await(Future<T> future) throws Exception {
      try {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    }
  }
}
