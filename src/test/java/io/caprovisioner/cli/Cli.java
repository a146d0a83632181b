package io.caprovisioner.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real command line in-process with a given environment, capturing what it prints. */
public final class Cli {
  private Cli() {
  }

  public record Result(int exit, String out, String err) {
  }

  public static Result run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory withEnv = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K instance = defaults.create(cls);
        for (Field f : cls.getDeclaredFields()) {
          if (f.getName().equals("env") && f.getType() == Map.class) {
            f.setAccessible(true);
            f.set(instance, env);
          }
        }
        return instance;
      }
    };
    CommandLine cmd = Main.commandLine(withEnv);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }
}
