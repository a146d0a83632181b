-- Stripe events: which subscription an event is about (known once it has been parsed), so events
-- that arrive before their checkout can be found and applied when the tenant exists; and why an
-- event was ignored, deferred or applied, for operators.
ALTER TABLE stripe_events ADD COLUMN stripe_subscription_id TEXT;
ALTER TABLE stripe_events ADD COLUMN note TEXT;
CREATE INDEX stripe_events_deferred_idx ON stripe_events (stripe_subscription_id) WHERE status = 'deferred';
