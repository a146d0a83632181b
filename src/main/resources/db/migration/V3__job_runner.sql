-- The job runner (issue 5): per-step progress of a job, and what the queue needs besides V1's jobs table.

-- when the current attempt was claimed: the status endpoint and the enqueue-to-start latency
ALTER TABLE jobs ADD COLUMN started_at TIMESTAMPTZ;
-- false while a job only waits for a date (a deletion's retention period): it must not hold back
-- the tenant's later jobs, e.g. the resume that cancels the deletion
ALTER TABLE jobs ADD COLUMN blocks_tenant BOOLEAN NOT NULL DEFAULT true;
-- why the job waits (not a failure, costs no attempt); a log entry is written only when it changes
ALTER TABLE jobs ADD COLUMN wait_reason TEXT;

-- one running job per tenant, enforced by the database: two runners racing for the same tenant
-- cannot both win, whatever their snapshots saw
CREATE UNIQUE INDEX jobs_one_running_per_tenant ON jobs (tenant_id) WHERE state = 'running' AND tenant_id IS NOT NULL;
-- lease rescue scans running jobs only
CREATE INDEX jobs_running_lease_idx ON jobs (lease_until) WHERE state = 'running';

-- each step of a pipeline job: done steps are checkpoints, so a retry resumes at the failed step
CREATE TABLE job_steps (
  job_id       BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  step         TEXT NOT NULL,
  position     INT NOT NULL,                          -- order within the pipeline
  state        TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending','running','waiting','failed','done')),
  attempts     INT NOT NULL DEFAULT 0,
  last_error   TEXT,                                  -- the failure, or why it waits
  started_at   TIMESTAMPTZ,                           -- first attempt: step timeouts count from here
  finished_at  TIMESTAMPTZ,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, step)
);
