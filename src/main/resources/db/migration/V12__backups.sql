-- Backups of tenants (issue 14): each row is one backup, from its request to its object in S3
-- storage and, after retention, the deletion of that object. A request is recorded with the
-- tenant's intent; the reconcile's backup step runs a Job in the tenant namespace that dumps the
-- database and archives the media volume to the object named here, then records size and checksum.
CREATE TABLE backups (
  id            BIGSERIAL PRIMARY KEY,
  tenant_id     BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('scheduled','on-demand','pre-upgrade','final')),
  -- who asked and why, unique per tenant: a repeated request (a rollout's tenant retried, a
  -- schedule's slot seen twice) is the same backup
  request_key   TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'requested'
                CHECK (status IN ('requested','running','done','failed','deleted')),
  object_key    TEXT,                                 -- <namespace>/<id>-<kind>.tar.gz in BACKUP_S3_BUCKET
  size_bytes    BIGINT,
  sha256        TEXT,                                 -- hex, of the object as stored
  error         TEXT,
  keep_until    TIMESTAMPTZ,                          -- a final backup: BACKUP_FINAL_DAYS after it was taken
  requested_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at    TIMESTAMPTZ,
  completed_at  TIMESTAMPTZ,
  deleted_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX backups_request_key ON backups (tenant_id, request_key);
CREATE INDEX backups_tenant_idx ON backups (tenant_id, id);

-- The newest backup requested and the newest restore requested of each tenant: the targets of
-- the reconcile's backup and restore steps (0: none).
ALTER TABLE tenants ADD COLUMN backup_requested BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN restore_requested BIGINT NOT NULL DEFAULT 0;

-- Restores (POST /admin/tenants/{id}/restore): each request numbered, so the same backup can be
-- restored twice; tenants.restore_requested is the newest id, the restore steps' target.
CREATE TABLE restores (
  id            BIGSERIAL PRIMARY KEY,
  tenant_id     BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  backup_id     BIGINT NOT NULL REFERENCES backups (id),
  requested_by  TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested','running','done','failed')),
  error         TEXT,
  requested_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at  TIMESTAMPTZ
);
CREATE INDEX restores_tenant_idx ON restores (tenant_id, id);
