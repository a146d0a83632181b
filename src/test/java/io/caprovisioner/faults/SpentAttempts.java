package io.caprovisioner.faults;

import io.caprovisioner.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The reconciles that spent an attempt, read from what persists of one: its {@code last_error}, or
 * its attempts still counted once it is back in the queue. A reconcile woken again right now (a
 * recovered dependency, the safety net) is {@code running} with its attempt counted until it parks,
 * which is no spending: a single look at {@code attempts} alone would count it.
 */
final class SpentAttempts {
  private static final String SPENT = "kind = 'tenant.reconcile' AND (last_error IS NOT NULL "
      + "OR state NOT IN ('queued', 'running') OR (state = 'queued' AND attempts > 0))";

  private SpentAttempts() {
  }

  static long count(DatabaseUrl db) throws SQLException {
    return GitRemoteOutageTest.count(db, "SELECT count(*) FROM jobs WHERE " + SPENT);
  }

  /** The spent ones, a line each, for the assertion's message. */
  static String describe(DatabaseUrl db) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, state, attempts, last_error FROM jobs WHERE " + SPENT)) {
      StringBuilder out = new StringBuilder("reconciles that spent an attempt:");
      while (rs.next()) {
        out.append("\n  job ").append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(", attempts ")
            .append(rs.getInt(3)).append(", last error: ").append(rs.getString(4));
      }
      return out.toString();
    } catch (SQLException e) {
      return "reconciles that spent an attempt (cannot list them: " + e.getMessage() + ")";
    }
  }
}
