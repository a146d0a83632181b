-- Parked jobs (issues 16 and 18): a job waiting on a dependency that is unreachable or not
-- configured is not re-run on a timer; it is parked on that dependency and woken when the
-- dependency's probe sees it answer again (or by a new intent, a restart, or a slow safety net).

-- the dependency a queued job is parked on; NULL when it is not parked
ALTER TABLE jobs ADD COLUMN parked_on TEXT;
-- a wake touches the jobs parked on one dependency only
CREATE INDEX jobs_parked_idx ON jobs (parked_on) WHERE state = 'queued' AND parked_on IS NOT NULL;

-- when each dependency was last seen answering again: a job parking concurrently with a wake
-- reads (and share-locks) this row, so it either sees the wake or is seen by it, never neither
CREATE TABLE job_dependency_wakes (
  dependency TEXT PRIMARY KEY,
  woken_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- the dependencies the tenant steps park on exist from the start, so the lock above always has a row
INSERT INTO job_dependency_wakes (dependency, woken_at)
VALUES ('mysql', '-infinity'), ('kubernetes', '-infinity'), ('gitops', '-infinity');
