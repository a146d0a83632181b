-- Stripe event bodies carry customers' names, addresses and phone numbers. Once an event is
-- applied (or ignored) and aged past STRIPE_PAYLOAD_RETENTION_DAYS, those fields are blanked in
-- place; this says when, and lets the sweep find the events still to do without a full scan.
ALTER TABLE stripe_events ADD COLUMN payload_redacted_at TIMESTAMPTZ;
CREATE INDEX stripe_events_unredacted_idx ON stripe_events (processed_at)
  WHERE payload_redacted_at IS NULL AND status IN ('applied', 'ignored');
