package io.caprovisioner.cli;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.db.Database;
import picocli.CommandLine.Command;

@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar db migrate"},
    name = "db", description = "Database administration.", subcommands = DbCommand.Migrate.class)
final class DbCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(footer = {"", "Example:", "  DATABASE_URL=postgresql://ca@db:5432/ca java -jar ca-provisioner.jar db migrate"},
    name = "migrate", description = "Apply pending schema migrations (DATABASE_URL, or the embedded database).")
  static final class Migrate implements Runnable {
    @Override
    public void run() {
      Config config = ConfigLoader.fromEnvironment();
      try (Database db = Database.open(config)) {
        // open() skips Flyway when nothing is pending; this also validates what was applied
        io.caprovisioner.db.Migrations.migrateAndValidate(db.url());
        System.out.println("database schema is up to date (" + db.url() + ")");
      }
    }
  }
}
