-- Reports (issue 14): an append-only log of what happened to each conversation, the one source of every metric.
--
-- Why triggers and not inserts from the services: the log is written by PostgreSQL itself, in the same transaction
-- as the change it records, on every path that changes a row (the services, the bot, routing, SLA clocks, merges,
-- the seeds, a hand-written UPDATE). No domain's code changes, a change that commits always has its event, a change
-- that rolls back never has one, and a retried request that changes nothing (the same status again, a duplicate
-- client_id that fails its insert) records nothing: an event can be neither missed nor counted twice. The functions
-- are plain plpgsql, which PGlite runs as PostgreSQL does. Triggers see no actor but a row's own columns: a
-- message's author, the assignee, a survey's agent; the log records those.
--
-- kinds: created, status_changed, resolved, reopened, assigned, transferred, unassigned, priority_changed,
-- team_changed, handoff, merged, customer_message, agent_message, bot_message, note (private), first_reply (also
-- kept as its own kind: the first public agent message), sla_started, sla_breached, csat_requested, csat_answered,
-- complaint.

CREATE TABLE conversation_events (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  kind text NOT NULL,
  at timestamptz NOT NULL,
  actor_kind text,
  actor_id uuid,
  data jsonb NOT NULL DEFAULT '{}'
);
-- Every report reads one organization's events of some kinds over a time range.
CREATE INDEX conversation_events_org_kind_at_idx ON conversation_events (org_id, kind, at) INCLUDE (conversation_id);
CREATE INDEX conversation_events_conversation_idx ON conversation_events (conversation_id, at);
-- Reports scope conversations by creation time in the organization's zone.
CREATE INDEX conversations_org_created_idx ON conversations (org_id, created_at);

CREATE FUNCTION conversation_events_on_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz := COALESCE(NEW.updated_at, now());
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, data)
    VALUES (NEW.org_id, NEW.id, 'created', NEW.created_at, 'customer',
            jsonb_build_object('priority', NEW.priority, 'status', NEW.status, 'inbox_id', NEW.inbox_id));
    IF NEW.assignee_id IS NOT NULL THEN
      INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
      VALUES (NEW.org_id, NEW.id, 'assigned', NEW.created_at, 'agent', NEW.assignee_id, '{}');
    END IF;
    RETURN NULL;
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
    VALUES (NEW.org_id, NEW.id, 'status_changed', t, jsonb_build_object('from', OLD.status, 'to', NEW.status));
    IF NEW.status = 'resolved' THEN
      INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
      VALUES (NEW.org_id, NEW.id, 'resolved', COALESCE(NEW.resolved_at, t),
              CASE WHEN NEW.assignee_id IS NULL THEN 'bot' ELSE 'agent' END, NEW.assignee_id,
              jsonb_build_object('assignee_id', NEW.assignee_id, 'team_id', NEW.team_id));
    ELSIF OLD.status IN ('resolved', 'closed') AND NEW.status IN ('open', 'pending', 'snoozed') THEN
      INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
      VALUES (NEW.org_id, NEW.id, 'reopened', t, jsonb_build_object('from', OLD.status));
    END IF;
  END IF;
  IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
    VALUES (NEW.org_id, NEW.id,
            CASE WHEN NEW.assignee_id IS NULL THEN 'unassigned' WHEN OLD.assignee_id IS NULL THEN 'assigned'
                 ELSE 'transferred' END,
            COALESCE(NEW.assigned_at, t), 'agent', NEW.assignee_id,
            jsonb_build_object('from', OLD.assignee_id, 'to', NEW.assignee_id));
  END IF;
  IF NEW.priority IS DISTINCT FROM OLD.priority THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
    VALUES (NEW.org_id, NEW.id, 'priority_changed', t,
            jsonb_build_object('from', OLD.priority, 'to', NEW.priority, 'source', NEW.priority_source));
  END IF;
  IF NEW.team_id IS DISTINCT FROM OLD.team_id THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
    VALUES (NEW.org_id, NEW.id, 'team_changed', t, jsonb_build_object('from', OLD.team_id, 'to', NEW.team_id));
  END IF;
  IF NEW.handoff_at IS NOT NULL AND OLD.handoff_at IS DISTINCT FROM NEW.handoff_at THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, data)
    VALUES (NEW.org_id, NEW.id, 'handoff', NEW.handoff_at, 'bot',
            jsonb_build_object('reason', NEW.handoff_reason, 'intent', NEW.last_intent));
  END IF;
  IF NEW.merged_into_id IS NOT NULL AND OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
    VALUES (NEW.org_id, NEW.id, 'merged', t, jsonb_build_object('into', NEW.merged_into_id));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER conversations_events_insert AFTER INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversation_events_on_conversation();
CREATE TRIGGER conversations_events_update AFTER UPDATE ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversation_events_on_conversation();

CREATE FUNCTION conversation_events_on_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.author_kind = 'system' THEN RETURN NULL; END IF;
  INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
  VALUES (NEW.org_id, NEW.conversation_id,
          CASE WHEN NEW.private THEN 'note' ELSE NEW.author_kind || '_message' END,
          NEW.created_at, NEW.author_kind, NEW.author_id, jsonb_build_object('seq', NEW.seq));
  IF NEW.author_kind = 'agent' AND NOT NEW.private AND NOT EXISTS (
    SELECT 1 FROM conversation_events
    WHERE conversation_id = NEW.conversation_id AND kind = 'first_reply'
  ) THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
    VALUES (NEW.org_id, NEW.conversation_id, 'first_reply', NEW.created_at, 'agent', NEW.author_id,
            jsonb_build_object('seq', NEW.seq));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_events_insert AFTER INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION conversation_events_on_message();

CREATE FUNCTION conversation_events_on_csat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.requested_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.requested_at IS NULL) THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
    VALUES (NEW.org_id, NEW.conversation_id, 'csat_requested', NEW.requested_at, 'agent', NEW.agent_id,
            jsonb_build_object('agent_id', NEW.agent_id, 'team_id', NEW.team_id));
  END IF;
  IF NEW.answered_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.answered_at IS NULL) THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
    VALUES (NEW.org_id, NEW.conversation_id, 'csat_answered', NEW.answered_at, 'customer', NEW.agent_id,
            jsonb_build_object('rating', NEW.rating, 'agent_id', NEW.agent_id, 'team_id', NEW.team_id));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER csat_surveys_events AFTER INSERT OR UPDATE ON csat_surveys
  FOR EACH ROW EXECUTE FUNCTION conversation_events_on_csat();

CREATE FUNCTION conversation_events_on_complaint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
  VALUES (NEW.org_id, NEW.conversation_id, 'complaint', NEW.created_at,
          CASE NEW.source WHEN 'customer_report' THEN 'customer' ELSE NEW.source END, NEW.created_by_agent_id,
          jsonb_build_object('source', NEW.source, 'about_agent_id', NEW.about_agent_id));
  RETURN NULL;
END $$;

CREATE TRIGGER complaints_events AFTER INSERT ON complaints
  FOR EACH ROW EXECUTE FUNCTION conversation_events_on_complaint();

CREATE FUNCTION conversation_events_on_sla() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
    VALUES (NEW.org_id, NEW.conversation_id, 'sla_started', NEW.started_at, jsonb_build_object('peak', NEW.peak));
  END IF;
  INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
  SELECT NEW.org_id, NEW.conversation_id, 'sla_breached', COALESCE(NEW.updated_at, now()),
         jsonb_build_object('metric', metric)
  FROM unnest(NEW.breached) AS metric
  WHERE TG_OP = 'INSERT' OR NOT (metric = ANY (OLD.breached));
  RETURN NULL;
END $$;

CREATE TRIGGER conversation_slas_events AFTER INSERT OR UPDATE ON conversation_slas
  FOR EACH ROW EXECUTE FUNCTION conversation_events_on_sla();

-- Back-fill: what the current tables still show of the past, at the times they recorded. (Intermediate status,
-- assignee and priority changes were never kept; the log holds them from now on.)
INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, data)
SELECT org_id, id, 'created', created_at, 'customer', jsonb_build_object('priority', priority, 'backfilled', true)
FROM conversations;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
SELECT org_id, conversation_id, CASE WHEN private THEN 'note' ELSE author_kind || '_message' END, created_at,
       author_kind, author_id, jsonb_build_object('seq', seq)
FROM messages WHERE author_kind <> 'system';

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
SELECT DISTINCT ON (conversation_id) org_id, conversation_id, 'first_reply', created_at, 'agent', author_id,
       jsonb_build_object('seq', seq)
FROM messages WHERE author_kind = 'agent' AND NOT private
ORDER BY conversation_id, seq;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
SELECT org_id, id, 'assigned', COALESCE(assigned_at, created_at), 'agent', assignee_id, jsonb_build_object('to', assignee_id)
FROM conversations WHERE assignee_id IS NOT NULL;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, data)
SELECT org_id, id, 'handoff', handoff_at, 'bot', jsonb_build_object('reason', handoff_reason, 'intent', last_intent)
FROM conversations WHERE handoff_at IS NOT NULL;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
SELECT org_id, id, 'resolved', resolved_at, CASE WHEN assignee_id IS NULL THEN 'bot' ELSE 'agent' END, assignee_id,
       jsonb_build_object('assignee_id', assignee_id, 'team_id', team_id)
FROM conversations WHERE resolved_at IS NOT NULL AND status IN ('resolved', 'closed');

INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
SELECT org_id, id, 'merged', updated_at, jsonb_build_object('into', merged_into_id)
FROM conversations WHERE merged_into_id IS NOT NULL;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
SELECT org_id, conversation_id, 'sla_started', started_at, jsonb_build_object('peak', peak) FROM conversation_slas;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, data)
SELECT s.org_id, s.conversation_id, 'sla_breached', s.updated_at, jsonb_build_object('metric', metric)
FROM conversation_slas s, unnest(s.breached) AS metric;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
SELECT org_id, conversation_id, 'csat_requested', requested_at, 'agent', agent_id,
       jsonb_build_object('agent_id', agent_id, 'team_id', team_id)
FROM csat_surveys WHERE requested_at IS NOT NULL;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
SELECT org_id, conversation_id, 'csat_answered', answered_at, 'customer', agent_id,
       jsonb_build_object('rating', rating, 'agent_id', agent_id, 'team_id', team_id)
FROM csat_surveys WHERE answered_at IS NOT NULL;

INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
SELECT org_id, conversation_id, 'complaint', created_at,
       CASE source WHEN 'customer_report' THEN 'customer' ELSE source END, created_by_agent_id,
       jsonb_build_object('source', source, 'about_agent_id', about_agent_id)
FROM complaints;
