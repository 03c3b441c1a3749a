-- Priorities and SLAs: where a conversation's priority came from, each organization's SLA policy, and each
-- conversation's SLA timers. Timer timestamps are the application clock's (tests drive it), not the database's now().

ALTER TABLE conversations
  -- 'rule' (priority rules), 'agent' (set by hand: rules never lower it), 'escalation' (raised by an SLA breach).
  ADD COLUMN priority_source text NOT NULL DEFAULT 'default'
    CHECK (priority_source IN ('default', 'rule', 'agent', 'escalation')),
  ADD COLUMN priority_reason text,
  -- NULL, 'at_risk' (warned) or 'breached': a cheap filter for the inbox, kept in step with conversation_slas.
  ADD COLUMN sla_risk text CHECK (sla_risk IN ('at_risk', 'breached'));
CREATE INDEX conversations_org_sla_risk_idx ON conversations (org_id, sla_risk) WHERE sla_risk IS NOT NULL;

-- One policy per organization (absent = the built-in defaults); validated by src/contracts/sla.ts.
CREATE TABLE sla_policies (
  org_id uuid PRIMARY KEY REFERENCES organizations(id),
  policy jsonb NOT NULL,
  updated_by uuid REFERENCES agents(id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversation_slas (
  conversation_id uuid PRIMARY KEY REFERENCES conversations(id),
  org_id uuid NOT NULL REFERENCES organizations(id),
  -- The queue was under surge when the conversation arrived: the peak targets apply (never to urgent).
  peak boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL,
  first_response_at timestamptz,
  -- The customer has been waiting for a reply since then (next-response timer), with the paused total at that moment.
  next_started_at timestamptz,
  next_paused_baseline_ms bigint NOT NULL DEFAULT 0,
  -- Set while pending/snoozed/resolved; paused_ms holds the business time of the pauses already over.
  paused_at timestamptz,
  paused_ms bigint NOT NULL DEFAULT 0,
  first_response_due_at timestamptz,
  next_response_due_at timestamptz,
  resolution_due_at timestamptz,
  warned text[] NOT NULL DEFAULT '{}',
  breached text[] NOT NULL DEFAULT '{}',
  -- The scheduled check (job queue id) that fires at the next warning or breach; cancelled when plans change.
  check_job_id text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_slas_org_idx ON conversation_slas (org_id, started_at DESC);
