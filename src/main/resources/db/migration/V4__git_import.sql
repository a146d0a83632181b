-- Manual tenants by pull request: what the Git import needs to remember between polls.

-- The admin contact of a tenant imported from a pull request lives in its tenant.yaml
-- (spec.adminEmail); when the service re-writes that file from PostgreSQL it must keep it.
ALTER TABLE tenants ADD COLUMN admin_email_in_git BOOLEAN NOT NULL DEFAULT false;

-- One row: the branch tip the import last finished with. Deletions apply only to tenant files
-- removed between it and the next tip (and only when the next tip descends from it).
CREATE TABLE gitops_import_state (
  id                  SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  last_commit         TEXT,
  last_run_at         TIMESTAMPTZ,
  last_error          TEXT,                           -- the last failed fetch or import, for operators
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO gitops_import_state (id) VALUES (1);

-- Tenants whose folders a commit removed while more than GITOPS_MAX_DELETIONS went at once:
-- they wait here for an operator's confirmation instead of being deleted.
CREATE TABLE gitops_pending_deletions (
  tenant_id    BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  namespace    TEXT NOT NULL,
  removed_in   TEXT NOT NULL,                         -- the branch tip that no longer had the folder
  detected_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
