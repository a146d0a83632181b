-- Messages to customers (issue 12): a transactional outbox. A row is written in the transaction
-- of the change that causes it, and a mail.send job sends it. The unique cause makes every
-- duplicate, replay, retry or restart of that change a no-op: one message per cause.
CREATE TABLE outbound_messages (
  id          BIGSERIAL PRIMARY KEY,
  tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('welcome','payment_failed','suspended','deletion_scheduled',
                                            'deleted','credentials')),
  cause       TEXT NOT NULL,                          -- what caused it: 'activated', a Stripe event id, a generation
  facts       JSONB NOT NULL DEFAULT '{}'::jsonb,     -- values the text needs that may change later (dates); no secrets
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
  attempts    INT NOT NULL DEFAULT 0,                 -- hand-overs tried, for operators
  last_error  TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at     TIMESTAMPTZ                             -- handed to the SMTP server (or written as .eml)
);
CREATE UNIQUE INDEX outbound_messages_cause_key ON outbound_messages (tenant_id, kind, cause);
CREATE INDEX outbound_messages_status_idx ON outbound_messages (status, id);

-- One-time links to the CollectiveAccess administrator password: only the SHA-256 of the token
-- is kept, so a database dump cannot open them. Each send of a message issues a new token and
-- revokes the message's earlier one; a password rotation revokes every unused one of the tenant.
CREATE TABLE credential_tokens (
  id            BIGSERIAL PRIMARY KEY,
  token_sha256  TEXT NOT NULL UNIQUE,                 -- hex
  tenant_id     BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  message_id    BIGINT REFERENCES outbound_messages (id) ON DELETE CASCADE,
  expires_at    TIMESTAMPTZ NOT NULL,
  used_at       TIMESTAMPTZ,
  revoked_at    TIMESTAMPTZ,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX credential_tokens_tenant_idx ON credential_tokens (tenant_id);
CREATE INDEX credential_tokens_message_idx ON credential_tokens (message_id);

-- POST /admin/tenants/{id}/credentials: each rotation of the administrator password is numbered;
-- the ca.admin-password step runs the reset Job for the newest number, then sends a fresh link.
ALTER TABLE tenants ADD COLUMN admin_password_rotation INT NOT NULL DEFAULT 0;
-- the rotation the kept (sealed) administrator password belongs to
ALTER TABLE tenants ADD COLUMN admin_password_rotated INT NOT NULL DEFAULT 0;
