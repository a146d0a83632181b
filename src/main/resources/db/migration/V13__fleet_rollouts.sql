-- Fleet rollouts (issue 14, part 2): a new chart version and/or image moved over the fleet in
-- waves; each tenant's upgrade is an intent of that tenant's reconcile.

-- a tenant's own CollectiveAccess image (NULL: CA_DOCKER_IMAGE), as chart_version is its own chart
ALTER TABLE tenants ADD COLUMN image TEXT;
-- the rollout whose upgrade (or rollback) the tenant's newest commit carries (its Rollout: trailer)
ALTER TABLE tenants ADD COLUMN rollout_id BIGINT;

CREATE TABLE rollouts (
  id               BIGSERIAL PRIMARY KEY,
  chart_version    TEXT,                                -- target; NULL: unchanged
  image            TEXT,                                -- target; NULL: unchanged
  selector         JSONB NOT NULL,                      -- as requested, for the record
  waves            JSONB NOT NULL,                      -- as requested, e.g. [1, "5%", "25%", "100%"]
  wave_count       INT NOT NULL,                        -- the non-empty waves those made of the selected tenants
  pause_seconds    INT NOT NULL,
  failure_budget   INT NOT NULL,                        -- failed tenants tolerated since the last (re)start
  budget_base      INT NOT NULL DEFAULT 0,              -- failures counted before the last resume
  state            TEXT NOT NULL CHECK (state IN ('running','halted','aborted','completed')),
  current_wave     INT NOT NULL DEFAULT 0,              -- 0: none started yet
  next_wave_at     TIMESTAMPTZ,                         -- the pause after a finished wave ends then
  halted_reason    TEXT,
  requested_by     TEXT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at      TIMESTAMPTZ
);
-- one rollout at a time moves the fleet: two would race for the same tenants
CREATE UNIQUE INDEX rollouts_one_unfinished ON rollouts ((true)) WHERE state IN ('running','halted');

CREATE TABLE rollout_tenants (
  rollout_id          BIGINT NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
  tenant_id           BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  wave                INT NOT NULL,                     -- 1-based
  state               TEXT NOT NULL CHECK (state IN ('pending','upgrading','done','failed','skipped','rolled_back')),
  from_chart_version  TEXT,                             -- what the tenant ran before: a rollback goes back to it
  from_image          TEXT,
  reason              TEXT,                             -- why it failed or was skipped
  started_at          TIMESTAMPTZ,
  finished_at         TIMESTAMPTZ,
  PRIMARY KEY (rollout_id, tenant_id)
);
CREATE INDEX rollout_tenants_tenant_idx ON rollout_tenants (tenant_id);
