-- The tenant reconciler (issue 10): one level-triggered reconcile per tenant instead of a queue of
-- imperative jobs run in order.

-- Every recorded intent bumps the generation in the transaction that records it; a reconcile
-- re-reads it before each step and starts over when it moved. The newest intent is kept for the
-- commit it causes (its Action, Stripe-Event and Requested-By trailers).
ALTER TABLE tenants ADD COLUMN generation BIGINT NOT NULL DEFAULT 1;
ALTER TABLE tenants ADD COLUMN intent TEXT;
ALTER TABLE tenants ADD COLUMN intent_by TEXT;
ALTER TABLE tenants ADD COLUMN intent_stripe_event TEXT;

-- Every intent, for the audit of who asked what when (the tenant row keeps only the newest).
CREATE TABLE tenant_intents (
  id               BIGSERIAL PRIMARY KEY,
  tenant_id        BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  generation       BIGINT NOT NULL,
  kind             TEXT NOT NULL,
  requested_by     TEXT NOT NULL,
  stripe_event_id  TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX tenant_intents_tenant_idx ON tenant_intents (tenant_id, id);

-- What each step of a tenant last achieved: the target (a spec hash, a name) it completed for.
-- A reconcile runs a step only when the desired state's target differs.
CREATE TABLE tenant_steps (
  tenant_id    BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  step         TEXT NOT NULL,
  position     INT NOT NULL,                          -- order within the tenant's current steps
  target       TEXT,                                  -- what the step works towards now
  achieved     TEXT,                                  -- the target it last completed; NULL: undone or never
  state        TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending','running','waiting','failed','done')),
  attempts     INT NOT NULL DEFAULT 0,                -- tries towards the current target that did work
  last_error   TEXT,                                  -- the failure, or why it waits
  next_try     TIMESTAMPTZ,
  started_at   TIMESTAMPTZ,                           -- first try towards the current target: timeouts count from here
  finished_at  TIMESTAMPTZ,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, step)
);

-- a reconcile requested while one runs: it runs once more when it ends
ALTER TABLE jobs ADD COLUMN rerun BOOLEAN NOT NULL DEFAULT false;

-- the seed's names and columns for the provisioning log
ALTER TABLE provisioning_logs RENAME COLUMN step TO action;
ALTER TABLE provisioning_logs ADD COLUMN error_details TEXT;
ALTER TABLE provisioning_logs ADD COLUMN completed_at TIMESTAMPTZ;

-- Pending per-kind tenant jobs of the old runner become one reconcile request per tenant; their
-- steps are idempotent, so the reconcile redoing what they had done is safe.
INSERT INTO jobs (tenant_id, kind, dedupe_key)
SELECT DISTINCT tenant_id, 'tenant.reconcile', 'tenant.reconcile:' || tenant_id FROM jobs
WHERE kind LIKE 'tenant.%' AND state IN ('queued','running') AND tenant_id IS NOT NULL;
UPDATE jobs SET state = 'cancelled', finished_at = now(), locked_by = NULL, lease_until = NULL,
       last_error = 'replaced by tenant.reconcile', updated_at = now()
WHERE kind LIKE 'tenant.%' AND kind <> 'tenant.reconcile' AND state IN ('queued','running');
DROP TABLE job_steps;
