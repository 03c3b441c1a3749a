-- Reports (issue 14): a per-conversation rollup of the event log (migration 020), so a report reads one row per
-- conversation (and one per conversation and agent) instead of every event.
--
-- Kept by statement-level triggers on conversation_events itself, in the same transaction as the events: whatever
-- writes an event (the 020 triggers, a bulk insert, a hand-written UPDATE or DELETE) rebuilds the facts of the
-- conversations it touched from all of their events, so the rollup is always exactly the aggregate of the log.
-- The dimensions a report filters and groups by (team, assignee, channel, intent, language, priority, created_at)
-- stay on the conversation as it is now; the rollup only holds what the events say.

CREATE TABLE conversation_facts (
  conversation_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  first_reply_at timestamptz,
  resolved_at timestamptz,
  handed_off boolean NOT NULL DEFAULT false,
  agent_replied boolean NOT NULL DEFAULT false,
  reopened boolean NOT NULL DEFAULT false,
  complained boolean NOT NULL DEFAULT false,
  has_sla boolean NOT NULL DEFAULT false,
  -- A firstResponse or resolution breach.
  sla_breached boolean NOT NULL DEFAULT false,
  csat_requested boolean NOT NULL DEFAULT false,
  -- The highest answered rating.
  rating integer,
  -- Every first_reply / resolved event's time, and every answered rating (null when the answer had none).
  first_reply_ats timestamptz[] NOT NULL DEFAULT '{}',
  resolved_ats timestamptz[] NOT NULL DEFAULT '{}',
  ratings integer[] NOT NULL DEFAULT '{}',
  -- Next response waits, in seconds: after the first public agent reply, each wait from the first customer message
  -- that follows an agent reply to the next agent reply.
  nrt_waits float8[] NOT NULL DEFAULT '{}'
);
CREATE INDEX conversation_facts_org_idx ON conversation_facts (org_id);

-- Per conversation and event actor (an agent): the events attributed to them.
CREATE TABLE conversation_agent_facts (
  conversation_id uuid NOT NULL,
  agent_id uuid NOT NULL,
  org_id uuid NOT NULL,
  messaged boolean NOT NULL DEFAULT false,
  first_reply_ats timestamptz[] NOT NULL DEFAULT '{}',
  resolved_ats timestamptz[] NOT NULL DEFAULT '{}',
  ratings integer[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (conversation_id, agent_id)
);
CREATE INDEX conversation_agent_facts_org_agent_idx ON conversation_agent_facts (org_id, agent_id);

CREATE FUNCTION conversation_facts_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  DELETE FROM conversation_facts WHERE conversation_id = ANY (ids);
  DELETE FROM conversation_agent_facts WHERE conversation_id = ANY (ids);
  INSERT INTO conversation_facts (conversation_id, org_id, first_reply_at, resolved_at, handed_off, agent_replied,
                                  reopened, complained, has_sla, sla_breached, csat_requested, rating,
                                  first_reply_ats, resolved_ats, ratings)
  SELECT e.conversation_id, (array_agg(e.org_id))[1],
    min(e.at) FILTER (WHERE e.kind = 'first_reply'),
    min(e.at) FILTER (WHERE e.kind = 'resolved'),
    bool_or(e.kind = 'handoff'),
    bool_or(e.kind = 'agent_message'),
    bool_or(e.kind = 'reopened'),
    bool_or(e.kind = 'complaint'),
    bool_or(e.kind = 'sla_started'),
    COALESCE(bool_or(e.kind = 'sla_breached' AND e.data->>'metric' IN ('firstResponse', 'resolution')), false),
    bool_or(e.kind = 'csat_requested'),
    max((e.data->>'rating')::int) FILTER (WHERE e.kind = 'csat_answered'),
    COALESCE(array_agg(e.at) FILTER (WHERE e.kind = 'first_reply'), '{}'),
    COALESCE(array_agg(e.at) FILTER (WHERE e.kind = 'resolved'), '{}'),
    COALESCE(array_agg((e.data->>'rating')::int) FILTER (WHERE e.kind = 'csat_answered'), '{}')
  FROM conversation_events e
  WHERE e.conversation_id = ANY (ids)
    AND e.kind IN ('first_reply', 'resolved', 'handoff', 'agent_message', 'reopened', 'complaint', 'sla_started',
                   'sla_breached', 'csat_requested', 'csat_answered')
  GROUP BY e.conversation_id;
  UPDATE conversation_facts f SET nrt_waits = w.waits
  FROM (
    SELECT conversation_id, array_agg(extract(epoch FROM answered - asked)::float8) AS waits
    FROM (
      SELECT conversation_id, min(at) FILTER (WHERE kind = 'customer_message') AS asked,
        min(at) FILTER (WHERE kind = 'agent_message') AS answered
      FROM (
        SELECT conversation_id, kind, at,
          count(*) FILTER (WHERE kind = 'agent_message') OVER (
            PARTITION BY conversation_id ORDER BY at, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
          ) AS replies_before
        FROM conversation_events
        WHERE conversation_id = ANY (ids) AND kind IN ('customer_message', 'agent_message')
      ) m
      WHERE replies_before >= 1
      GROUP BY conversation_id, replies_before
    ) x
    WHERE asked IS NOT NULL AND answered IS NOT NULL
    GROUP BY conversation_id
  ) w
  WHERE f.conversation_id = w.conversation_id;
  INSERT INTO conversation_agent_facts (conversation_id, agent_id, org_id, messaged, first_reply_ats, resolved_ats,
                                        ratings)
  SELECT e.conversation_id, e.actor_id, (array_agg(e.org_id))[1],
    bool_or(e.kind = 'agent_message'),
    COALESCE(array_agg(e.at) FILTER (WHERE e.kind = 'first_reply'), '{}'),
    COALESCE(array_agg(e.at) FILTER (WHERE e.kind = 'resolved'), '{}'),
    COALESCE(array_agg((e.data->>'rating')::int) FILTER (WHERE e.kind = 'csat_answered'), '{}')
  FROM conversation_events e
  WHERE e.conversation_id = ANY (ids) AND e.actor_id IS NOT NULL
    AND e.kind IN ('agent_message', 'first_reply', 'resolved', 'csat_answered')
  GROUP BY e.conversation_id, e.actor_id;
END $$;

CREATE FUNCTION conversation_facts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- New events of the other kinds (created, status_changed, assigned, notes…) change no fact.
  PERFORM conversation_facts_refresh(ARRAY(
    SELECT DISTINCT conversation_id FROM new_rows
    WHERE kind IN ('first_reply', 'resolved', 'handoff', 'agent_message', 'customer_message', 'reopened', 'complaint',
                   'sla_started', 'sla_breached', 'csat_requested', 'csat_answered')
  ));
  RETURN NULL;
END $$;

CREATE FUNCTION conversation_facts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM conversation_facts_refresh(ARRAY(
    SELECT conversation_id FROM old_rows UNION SELECT conversation_id FROM new_rows
  ));
  RETURN NULL;
END $$;

CREATE FUNCTION conversation_facts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM conversation_facts_refresh(ARRAY(SELECT DISTINCT conversation_id FROM old_rows));
  RETURN NULL;
END $$;

CREATE TRIGGER conversation_events_facts_insert AFTER INSERT ON conversation_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversation_facts_on_insert();
CREATE TRIGGER conversation_events_facts_update AFTER UPDATE ON conversation_events
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversation_facts_on_update();
CREATE TRIGGER conversation_events_facts_delete AFTER DELETE ON conversation_events
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversation_facts_on_delete();

-- Back-fill from the log as it stands.
SELECT conversation_facts_refresh(ARRAY(SELECT DISTINCT conversation_id FROM conversation_events));
