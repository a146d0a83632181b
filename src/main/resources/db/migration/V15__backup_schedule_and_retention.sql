-- Scheduled backups and retention (issue 14). Each active tenant is due for its next scheduled
-- backup at scheduled_backup_due_at (a new tenant at once); the schedule finds the due ones through
-- one partial index, whatever the size of the fleet, and moves the date on by the plan's interval
-- in the same statement that picks them.
ALTER TABLE tenants ADD COLUMN scheduled_backup_due_at TIMESTAMPTZ NOT NULL DEFAULT '-infinity';
CREATE INDEX tenants_scheduled_backup_due_idx ON tenants (scheduled_backup_due_at, id) WHERE status = 'active';

-- Retention ranks each tenant's kept backups of a kind, newest first: only objects still in the
-- bucket, so the index stays the size of what is kept, not of the history.
CREATE INDEX backups_kept_idx ON backups (tenant_id, kind, id) WHERE status = 'done';
-- a backup a restore still has to load is never deleted
CREATE INDEX restores_backup_idx ON restores (backup_id) WHERE status <> 'done';
