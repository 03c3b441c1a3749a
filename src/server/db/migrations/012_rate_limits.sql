-- Rate-limit counters for the public widget API (src/server/rate-limit/) on PostgreSQL when no Redis is configured:
-- one row per bucket ("message.visitor:<contact id>", "visitor.ip:203.0.113.7"), counting the hits the nodes have
-- reserved in its current fixed window.
-- Buckets are not organization data (an address's load on the server is the same whichever organization it names),
-- so the table has no org_id. Unlogged: a counter lost in a crash only forgives a few minutes of traffic, and skipping
-- the write-ahead log keeps these frequent upserts cheap.
CREATE UNLOGGED TABLE rate_limit_counters (
  bucket text PRIMARY KEY,
  hits integer NOT NULL,
  window_ends_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_counters_window_idx ON rate_limit_counters (window_ends_at);
