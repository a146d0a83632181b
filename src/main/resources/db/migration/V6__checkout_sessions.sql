-- The customer's path (issue 11): the Checkout Session that paid for a subscription, so the
-- welcome page (/welcome?session_id=cs_...) finds its tenant, and the site name the customer asked
-- for, so the page can say when it was taken and the tenant got a generated id instead.
ALTER TABLE subscriptions ADD COLUMN checkout_session_id TEXT UNIQUE;
ALTER TABLE subscriptions ADD COLUMN requested_name TEXT;

-- the typical provisioning time is the median over the newest deployed tenants
CREATE INDEX tenants_deployed_idx ON tenants (deployed_at DESC) WHERE deployed_at IS NOT NULL;
