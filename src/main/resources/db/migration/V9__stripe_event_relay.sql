-- The webhook stores an event with one insert and nothing else (issue 16: the job row in the same
-- transaction halved the acknowledgements a second). The relay queues each received event's
-- stripe.apply job afterwards and stamps it here, so an event is queued once whichever replica
-- relays it. Events stored before this version had their job queued with them.
ALTER TABLE stripe_events ADD COLUMN queued_at TIMESTAMPTZ;
UPDATE stripe_events SET queued_at = received_at;
-- what the relay looks for: small, since a relayed event leaves it
CREATE INDEX stripe_events_unqueued_idx ON stripe_events (received_at, id) WHERE queued_at IS NULL AND status = 'received';
