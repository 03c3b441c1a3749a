-- The event log's message rows, written once per INSERT statement instead of once per message row. A group-commit
-- batch (conversations/message-batch.ts) stores many messages in one statement; with a row trigger each of them ran
-- its own INSERT into conversation_events, and each of those its own statement trigger rebuilding the facts, which
-- cost more than storing the message. Same rows as before: one event per non-system message, and a first_reply for
-- the first public agent message of a conversation that has none yet.
CREATE FUNCTION conversation_events_on_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
  SELECT n.org_id, n.conversation_id, CASE WHEN n.private THEN 'note' ELSE n.author_kind || '_message' END,
         n.created_at, n.author_kind, n.author_id, jsonb_build_object('seq', n.seq)
    FROM new_rows n
   WHERE n.author_kind <> 'system'
   ORDER BY n.conversation_id, n.seq;
  INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
  SELECT DISTINCT ON (n.conversation_id) n.org_id, n.conversation_id, 'first_reply', n.created_at, 'agent',
         n.author_id, jsonb_build_object('seq', n.seq)
    FROM new_rows n
   WHERE n.author_kind = 'agent' AND NOT n.private
     AND NOT EXISTS (SELECT 1 FROM conversation_events e
                      WHERE e.conversation_id = n.conversation_id AND e.kind = 'first_reply')
   ORDER BY n.conversation_id, n.seq;
  RETURN NULL;
END $$;

DROP TRIGGER messages_events_insert ON messages;
CREATE TRIGGER messages_events_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversation_events_on_messages();
