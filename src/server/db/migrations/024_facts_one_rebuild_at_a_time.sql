-- The facts rebuild (022) serialised per conversation. Found by a clean-clone CI run on PostgreSQL, where a CSAT
-- request and a message of the same conversation committed together: "duplicate key value violates unique constraint
-- conversation_facts_pkey".
CREATE OR REPLACE FUNCTION conversation_facts_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  -- One rebuild of a conversation's facts at a time: two transactions adding events to the same conversation (a message
  -- and a CSAT request) would otherwise both delete nothing and both insert, and the second would fail. The lock is
  -- the conversation's row (the message path already holds it); each statement below then sees the other's events.
  PERFORM 1 FROM conversations WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
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
