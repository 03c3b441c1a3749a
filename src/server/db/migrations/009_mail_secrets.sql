-- A mail that carries a secret (a one-time code) says when that secret dies: an undelivered body is wiped then, so
-- a code never outlives its use in the database even where no SMTP server is configured.
ALTER TABLE outbound_emails ADD COLUMN wipe_at timestamptz;
CREATE INDEX outbound_emails_wipe_idx ON outbound_emails (wipe_at) WHERE wipe_at IS NOT NULL AND sent_at IS NULL;
