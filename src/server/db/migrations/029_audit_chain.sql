-- Tamper-evident audit log (issue 15): every entry carries the SHA-256 of its own fields and of the previous entry's
-- hash in the same chain (one chain per organization; entries without an organization form the 'platform' chain).
-- Editing an entry changes its hash; deleting one leaves a gap in chain_seq; deleting the newest ones leaves the chain
-- shorter than its head. `npm run kefu -- audit verify` checks all three. The hash is computed by the database, in one
-- function, so the writer, the back-fill and the verifier cannot drift apart in how they serialise an entry.

-- The canonical serialisation: a jsonb array of the fields in a fixed order (jsonb's text form sorts object keys and
-- normalises whitespace, so the same details always give the same text), the time in UTC to the microsecond.
CREATE FUNCTION kefu_audit_hash(
  chain_seq bigint, org_id uuid, actor_kind text, actor_id uuid, action text, target_type text, target_id text,
  details jsonb, ip text, created_at timestamptz, prev_hash text
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    chain_seq, org_id, actor_kind, actor_id, action, target_type, target_id, details, ip,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), prev_hash
  )::text, 'UTF8')), 'hex')
$$;

-- The newest entry of each chain. Appending updates this row first, and its row lock (held to the end of the
-- writer's transaction) is what serialises two writers of one organization, so they cannot both chain onto the
-- same predecessor. It also lets the verifier notice the newest entries being deleted. prev_hash is the newest
-- entry's predecessor, so the one upsert that advances the head can hand it to the entry it inserts.
CREATE TABLE audit_chain_heads (
  chain text PRIMARY KEY,
  last_seq bigint NOT NULL,
  prev_hash text NOT NULL,
  last_hash text NOT NULL
);

ALTER TABLE audit_log
  ADD COLUMN chain_seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN hash text;

-- Back-fill existing entries in the order they were written.
DO $$
DECLARE
  entry record;
  current_chain text := NULL;
  seq bigint := 0;
  previous text := '';
  before_previous text := '';
  entry_hash text;
BEGIN
  FOR entry IN SELECT * FROM audit_log ORDER BY COALESCE(org_id::text, 'platform'), id LOOP
    IF current_chain IS DISTINCT FROM COALESCE(entry.org_id::text, 'platform') THEN
      IF current_chain IS NOT NULL THEN
        INSERT INTO audit_chain_heads (chain, last_seq, prev_hash, last_hash)
          VALUES (current_chain, seq, before_previous, previous);
      END IF;
      current_chain := COALESCE(entry.org_id::text, 'platform');
      seq := 0;
      previous := '';
      before_previous := '';
    END IF;
    seq := seq + 1;
    entry_hash := kefu_audit_hash(seq, entry.org_id, entry.actor_kind, entry.actor_id, entry.action,
      entry.target_type, entry.target_id, entry.details, entry.ip, entry.created_at, previous);
    UPDATE audit_log SET chain_seq = seq, prev_hash = previous, hash = entry_hash WHERE id = entry.id;
    before_previous := previous;
    previous := entry_hash;
  END LOOP;
  IF current_chain IS NOT NULL THEN
    INSERT INTO audit_chain_heads (chain, last_seq, prev_hash, last_hash)
          VALUES (current_chain, seq, before_previous, previous);
  END IF;
END $$;

ALTER TABLE audit_log
  ALTER COLUMN chain_seq SET NOT NULL,
  ALTER COLUMN prev_hash SET NOT NULL,
  ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_log_chain_idx ON audit_log ((COALESCE(org_id::text, 'platform')), chain_seq);
