-- Four-eyes approvals belong to one request. A case counts each time it is reopened after being resolved or
-- rejected as a new request (request_round), and only the approvals given to the current round count: reopening
-- never revives the approvals of a request that was completed or cancelled. requested_by is whoever asked for the
-- current round (opened the case, or reopened it); they never count as one of its approvers.

ALTER TABLE support_cases ADD COLUMN request_round integer NOT NULL DEFAULT 1;
ALTER TABLE support_cases ADD COLUMN requested_by uuid REFERENCES agents(id);

ALTER TABLE case_approvals ADD COLUMN request_round integer NOT NULL DEFAULT 1;
ALTER TABLE case_approvals DROP CONSTRAINT case_approvals_pkey;
ALTER TABLE case_approvals ADD PRIMARY KEY (case_id, request_round, agent_id);

-- Existing cases: the round is one more than the reopenings the audit log recorded (every status change is
-- audited as case.status with from/to), and each approval belongs to the round that was current when it was given.
-- So the approvals of an unfreeze that was resolved and then reopened stop counting here, as they would from now on.
CREATE TEMPORARY TABLE case_reopenings ON COMMIT DROP AS
  SELECT a.org_id, a.target_id::uuid AS case_id, a.actor_kind, a.actor_id, a.created_at, a.id
    FROM audit_log a
   WHERE a.action = 'case.status' AND a.target_type = 'case'
     AND a.details->>'from' IN ('resolved', 'rejected') AND a.details->>'to' NOT IN ('resolved', 'rejected');

UPDATE support_cases c
   SET request_round = 1 + (SELECT count(*) FROM case_reopenings r WHERE r.org_id = c.org_id AND r.case_id = c.id);

UPDATE case_approvals p
   SET request_round = 1 + (SELECT count(*) FROM case_reopenings r
                             WHERE r.org_id = p.org_id AND r.case_id = p.case_id AND r.created_at < p.created_at);

-- The requester of the current round: the agent who last reopened the case, or else the agent who opened it.
UPDATE support_cases c
   SET requested_by = (
     SELECT x.actor_id FROM (
       SELECT r.actor_id, r.created_at, r.id FROM case_reopenings r
        WHERE r.org_id = c.org_id AND r.case_id = c.id AND r.actor_kind = 'agent'
       UNION ALL
       SELECT a.actor_id, a.created_at, a.id FROM audit_log a
        WHERE a.org_id = c.org_id AND a.action = 'case.open' AND a.target_type = 'case'
          AND a.target_id = c.id::text AND a.actor_kind = 'agent'
     ) x
     WHERE EXISTS (SELECT 1 FROM agents g WHERE g.id = x.actor_id)
     ORDER BY x.created_at DESC, x.id DESC
     LIMIT 1
   );
