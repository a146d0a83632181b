package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Every sealed secret kept in PostgreSQL, for {@code secrets rotate}: the {@code *_enc} columns
 * (tenants.db_password_enc, tenants.admin_password_enc, and any added later), found in the schema
 * so a new one is never left behind under an old key.
 *
 * <p>Each value is re-sealed by its own compare-and-set UPDATE: an interrupted run leaves every
 * value either as it was or re-sealed, each still readable with the keys configured, and a second
 * run carries on where the first stopped. A value the service changed meanwhile is left to it.
 */
public final class SealedColumns {
  private static final int BATCH = 200;
  private final SqlClient sql;

  public SealedColumns(SqlClient sql) {
    this.sql = sql;
  }

  /** One column holding sealed values, in a table keyed by {@code id}. */
  public record Column(String table, String column) {
    @Override
    public String toString() {
      return table + "." + column;
    }
  }

  /** What a rotation did to one column. */
  public record Resealed(Column column, int resealed, int alreadyCurrent, int changedMeanwhile) {
  }

  /** A value that could not be re-sealed: where it is, and why (never the value). */
  public static final class ResealException extends RuntimeException {
    public ResealException(Column column, long id, RuntimeException cause) {
      super(column + " of row id " + id + ": " + cause.getMessage(), cause);
    }
  }

  public Future<List<Column>> columns() {
    return sql.query("SELECT c.table_name, c.column_name FROM information_schema.columns c "
            + "JOIN information_schema.columns k ON k.table_schema = c.table_schema AND k.table_name = c.table_name "
            + "AND k.column_name = 'id' "
            + "WHERE c.table_schema = current_schema() AND c.column_name LIKE '%\\_enc' "
            + "AND c.data_type IN ('text', 'character varying') ORDER BY 1, 2")
        .execute()
        .map(rows -> {
          List<Column> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Column(r.getString(0), r.getString(1))));
          return out;
        });
  }

  /**
   * Re-seals every value of every column that {@code current} says is not sealed with the sealing
   * key. Stops at the first value {@code reseal} cannot open, naming its column and row.
   */
  public Future<List<Resealed>> resealAll(Predicate<String> current, UnaryOperator<String> reseal) {
    return columns().compose(columns -> {
      List<Resealed> done = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Column c : columns) {
        chain = chain.compose(v -> reseal(c, current, reseal, 0, new int[3]).map(r -> {
          done.add(r);
          return null;
        }));
      }
      return chain.map(v -> done);
    });
  }

  /** {@code counts}: re-sealed, already current, changed by someone else between our read and write. */
  private Future<Resealed> reseal(Column c, Predicate<String> current, UnaryOperator<String> reseal, long afterId,
      int[] counts) {
    // identifiers come from information_schema (ours, by the *_enc convention), quoted all the same
    String table = quote(c.table());
    String column = quote(c.column());
    return sql.preparedQuery("SELECT id, " + column + " FROM " + table + " WHERE id > $1 AND " + column
            + " IS NOT NULL ORDER BY id LIMIT " + BATCH)
        .execute(Tuple.of(afterId))
        .compose(rows -> {
          List<Row> batch = new ArrayList<>();
          rows.forEach(batch::add);
          if (batch.isEmpty()) {
            return Future.succeededFuture(new Resealed(c, counts[0], counts[1], counts[2]));
          }
          Future<int[]> next = Future.succeededFuture(counts);
          for (Row row : batch) {
            long id = row.getLong(0);
            String old = row.getString(1);
            next = next.compose(n -> {
              if (current.test(old)) {
                n[1]++;
                return Future.succeededFuture(n);
              }
              String fresh;
              try {
                fresh = reseal.apply(old);
              } catch (RuntimeException e) {
                return Future.failedFuture(new ResealException(c, id, e));
              }
              return sql.preparedQuery("UPDATE " + table + " SET " + column + " = $1 WHERE id = $2 AND " + column
                      + " = $3")
                  .execute(Tuple.of(fresh, id, old))
                  .map(updated -> {
                    n[updated.rowCount() == 1 ? 0 : 2]++;
                    return n;
                  });
            });
          }
          long last = batch.get(batch.size() - 1).getLong(0);
          return next.compose(n -> reseal(c, current, reseal, last, n));
        });
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
