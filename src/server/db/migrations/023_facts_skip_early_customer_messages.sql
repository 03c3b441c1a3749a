-- A customer's message changes a conversation's facts only through its next-response waits, and a wait exists only
-- after an agent has replied. Before that, rebuilding the facts on every customer message was pure cost on the chat
-- path (each one re-read the conversation's events); the agent's first message rebuilds them with every customer
-- message before it, so the result is the same.
CREATE OR REPLACE FUNCTION conversation_facts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- New events of the other kinds (created, status_changed, assigned, notes…) change no fact.
  PERFORM conversation_facts_refresh(ARRAY(
    SELECT DISTINCT n.conversation_id FROM new_rows n
    WHERE n.kind IN ('first_reply', 'resolved', 'handoff', 'agent_message', 'reopened', 'complaint', 'sla_started',
                     'sla_breached', 'csat_requested', 'csat_answered')
       OR (n.kind = 'customer_message'
           AND EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = n.conversation_id AND f.agent_replied))
  ));
  RETURN NULL;
END $$;
