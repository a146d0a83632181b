package io.caprovisioner.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.jobs.QueueFixture;
import org.junit.jupiter.api.Test;

/**
 * Every pooled session bounds what a stalled or vanished replica can hold: a transaction left idle
 * is ended by the server (its row locks go with it) and no statement runs for ever. Real
 * embedded PostgreSQL, read through the service's own pool.
 */
class DatabaseSessionTest {
  @Test
  void pooledSessionsEndIdleTransactionsAndLongStatements() {
    try (QueueFixture db = new QueueFixture()) {
      assertThat(db.rows("SHOW idle_in_transaction_session_timeout").get(0).getString(0)).isEqualTo("30s");
      assertThat(db.rows("SHOW statement_timeout").get(0).getString(0)).isEqualTo("30s");
    }
  }
}
