-- Feedback: customer satisfaction (CSAT) per conversation, complaints with their own due time, and the follow-up a
-- supervisor owes a complaining customer after resolution. Times are the application clock's (tests drive it).

-- One survey per conversation: created when the conversation is resolved, asked by a job, answered once.
CREATE TABLE csat_surveys (
  conversation_id uuid PRIMARY KEY REFERENCES conversations(id),
  org_id uuid NOT NULL REFERENCES organizations(id),
  -- Who had the conversation when it was resolved: the rating is theirs, even if it is reassigned later.
  agent_id uuid REFERENCES agents(id),
  team_id uuid REFERENCES teams(id),
  locale text NOT NULL CHECK (locale IN ('zh-CN', 'zh-TW', 'en')),
  -- The queued send (job queue id) while it waits; cancelled when the conversation reopens first.
  send_job_id text,
  requested_at timestamptz,
  rating smallint CHECK (rating BETWEEN 1 AND 5),
  comment text,
  answered_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((rating IS NULL) = (answered_at IS NULL))
);
CREATE INDEX csat_surveys_org_answered_idx ON csat_surveys (org_id, answered_at) WHERE answered_at IS NOT NULL;

CREATE TABLE complaints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  -- 'bot' (the bot's complaint intent), 'agent' (marked in the console), 'customer_report' (reported from the widget:
  -- only supervisors and admins ever see these).
  source text NOT NULL CHECK (source IN ('bot', 'agent', 'customer_report')),
  reason text NOT NULL,
  -- The agent a customer report is about (the assignee when it was made).
  about_agent_id uuid REFERENCES agents(id),
  created_by_agent_id uuid REFERENCES agents(id),
  -- The complaint's own target: the SLA policy has no complaint target, so it is a fixed number of hours.
  due_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX complaints_conversation_idx ON complaints (org_id, conversation_id);
-- The bot hands over once per conversation; a retried listener must not file its complaint twice.
CREATE UNIQUE INDEX complaints_bot_once_key ON complaints (conversation_id) WHERE source = 'bot';

-- The call-back a supervisor owes the customer once a complaint is resolved; closing it needs a note (audited).
CREATE TABLE complaint_followups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  -- The resolution that asked for it: one follow-up per resolution, however often the job runs.
  resolved_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  closed_at timestamptz,
  closed_by uuid REFERENCES agents(id),
  note text,
  created_at timestamptz NOT NULL,
  UNIQUE (conversation_id, resolved_at)
);
CREATE INDEX complaint_followups_open_idx ON complaint_followups (org_id, due_at) WHERE closed_at IS NULL;
