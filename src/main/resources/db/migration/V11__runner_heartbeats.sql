-- Crash recovery in seconds (issue 16): every job runner beats here about once a second. A runner
-- silent for a few seconds (killed, paused, cut off) is dead: the others release its jobs at once
-- instead of waiting for their 60 s leases. Both sides compare the database's clock, never their own.
CREATE TABLE job_runners (
  runner_id    TEXT PRIMARY KEY,                     -- RunnerOptions.runnerId, the prefix of jobs.locked_by
  started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
