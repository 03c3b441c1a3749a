-- Issue 14: occupancy (time busy handling ÷ time online) needs each agent's presence over time, and agent_routing
-- keeps only the current status. An append-only log of every status an agent took, and when.
--
-- Written by a trigger on agent_routing, as the conversation event log is (migration 020): every path that changes
-- a status (the agent, a supervisor, the routing sweep taking a silent console offline, the seeds) goes through that
-- row, in the same transaction, so a change that commits always has its entry and one that rolls back never has one.
-- The time is the row's status_changed_at (the application clock that routing already uses), or now() for an UPDATE
-- that changed the status without it.

CREATE TABLE agent_presence_log (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL,
  agent_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('online', 'away', 'offline')),
  at timestamptz NOT NULL,
  -- Rows reconstructed from the audit log and the current status when this table was created.
  backfilled boolean NOT NULL DEFAULT false
);
-- Occupancy reads one organization's entries over a time range (and each agent's last one before it).
CREATE INDEX agent_presence_log_org_agent_at_idx ON agent_presence_log (org_id, agent_id, at);

CREATE FUNCTION agent_presence_log_on_routing() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz;
BEGIN
  IF TG_OP = 'INSERT' THEN
    t := NEW.status_changed_at;
  ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
    t := CASE WHEN NEW.status_changed_at IS DISTINCT FROM OLD.status_changed_at THEN NEW.status_changed_at
              ELSE now() END;
  ELSE
    RETURN NULL;
  END IF;
  -- Never before the agent's previous entry: the row is created with the database's now() and changed, often in the
  -- same transaction, with the application's clock read a moment earlier; the log's order must be the changes' order.
  t := GREATEST(t, (SELECT max(at) FROM agent_presence_log WHERE org_id = NEW.org_id AND agent_id = NEW.agent_id));
  INSERT INTO agent_presence_log (org_id, agent_id, status, at) VALUES (NEW.org_id, NEW.agent_id, NEW.status, t);
  RETURN NULL;
END $$;

CREATE TRIGGER agent_presence_log_on_routing AFTER INSERT OR UPDATE OF status ON agent_routing
  FOR EACH ROW EXECUTE FUNCTION agent_presence_log_on_routing();

-- Back-fill, as far as the past can be known: every status change the audit log recorded (agents', supervisors' and
-- the sweep's 'agent.routing.update' entries carry details.status.to), then each agent's current status from when it
-- last changed. A repeated status is harmless: occupancy reads the log as a sequence of states.
INSERT INTO agent_presence_log (org_id, agent_id, status, at, backfilled)
SELECT a.org_id, a.id, al.details->'status'->>'to', al.created_at, true
FROM audit_log al JOIN agents a ON a.id::text = al.target_id AND a.org_id = al.org_id
WHERE al.action = 'agent.routing.update' AND al.target_type = 'agent'
  AND al.details->'status'->>'to' IN ('online', 'away', 'offline');

INSERT INTO agent_presence_log (org_id, agent_id, status, at, backfilled)
SELECT org_id, agent_id, status, status_changed_at, true FROM agent_routing;
