-- ca-provisioner schema. Uniqueness lives in the database, so concurrent webhooks or replicas
-- cannot create duplicates whatever the application does.

CREATE TABLE users (
  id          BIGSERIAL PRIMARY KEY,
  email       TEXT NOT NULL,
  name        TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE tenants (
  id                  BIGSERIAL PRIMARY KEY,
  user_id             BIGINT REFERENCES users (id),
  name                TEXT NOT NULL UNIQUE,          -- the short id or slug every name derives from
  namespace           TEXT NOT NULL UNIQUE,
  helm_release_name   TEXT NOT NULL UNIQUE,
  domain              TEXT NOT NULL UNIQUE,
  db_name             TEXT NOT NULL UNIQUE,
  db_user             TEXT NOT NULL UNIQUE,
  app_name            TEXT NOT NULL UNIQUE,
  plan                TEXT NOT NULL,
  status              TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending','provisioning','active','failed','suspended','deleting','deleted')),
  status_detail       TEXT,                           -- why it waits or failed, for operators
  source              TEXT NOT NULL CHECK (source IN ('stripe','manual')),
  chart_version       TEXT,
  db_password_enc     TEXT,                           -- AES-GCM under SECRET_KEY, never logged
  admin_password_enc  TEXT,
  deletion_due_at     TIMESTAMPTZ,                    -- retention: data is dropped after this
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  deployed_at         TIMESTAMPTZ
);
CREATE INDEX tenants_status_idx ON tenants (status);
CREATE INDEX tenants_user_idx ON tenants (user_id);

CREATE TABLE subscriptions (
  id                      BIGSERIAL PRIMARY KEY,
  user_id                 BIGINT REFERENCES users (id),
  tenant_id               BIGINT UNIQUE REFERENCES tenants (id),
  stripe_customer_id      TEXT,
  stripe_subscription_id  TEXT UNIQUE,
  stripe_price_id         TEXT,
  status                  TEXT,                       -- Stripe's subscription status
  current_period_end      TIMESTAMPTZ,
  last_event_created      BIGINT,                     -- newest applied Stripe event (unix s), for ordering
  created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_customer_idx ON subscriptions (stripe_customer_id);

CREATE TABLE provisioning_logs (
  id               BIGSERIAL PRIMARY KEY,
  tenant_id        BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  step             TEXT NOT NULL,
  status           TEXT NOT NULL,                     -- info | started | succeeded | waiting | failed
  message          TEXT NOT NULL,
  stripe_event_id  TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX provisioning_logs_tenant_idx ON provisioning_logs (tenant_id, id);

CREATE TABLE stripe_events (
  id            TEXT PRIMARY KEY,                     -- evt_...: a redelivery is a no-op
  type          TEXT NOT NULL,
  api_version   TEXT,
  created       BIGINT,
  livemode      BOOLEAN,
  payload       TEXT NOT NULL,                        -- the raw body exactly as received
  status        TEXT NOT NULL DEFAULT 'received'
                CHECK (status IN ('received','applied','ignored','failed','deferred')),
  error         TEXT,
  received_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  processed_at  TIMESTAMPTZ
);
CREATE INDEX stripe_events_status_idx ON stripe_events (status, received_at);

CREATE TABLE jobs (
  id            BIGSERIAL PRIMARY KEY,
  tenant_id     BIGINT REFERENCES tenants (id) ON DELETE CASCADE,
  kind          TEXT NOT NULL,                        -- e.g. tenant.provision, stripe.apply
  payload       JSONB NOT NULL DEFAULT '{}'::jsonb,
  state         TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued','running','done','dead','cancelled')),
  step          TEXT,                                 -- the pipeline step in progress
  attempts      INT NOT NULL DEFAULT 0,
  max_attempts  INT NOT NULL DEFAULT 10,
  run_after     TIMESTAMPTZ NOT NULL DEFAULT now(),
  locked_by     TEXT,
  lease_until   TIMESTAMPTZ,
  last_error    TEXT,
  dedupe_key    TEXT,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at   TIMESTAMPTZ
);
-- the same work cannot be queued twice while it is still pending
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued','running');
CREATE INDEX jobs_runnable_idx ON jobs (run_after, id) WHERE state = 'queued';
CREATE INDEX jobs_tenant_idx ON jobs (tenant_id, id);
