-- Phone callbacks (src/server/callbacks/): a customer's request to be called back, and the calls agents log on any
-- conversation. Voice itself is outside kefu: these rows are what was asked and what happened.

CREATE TABLE callback_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  -- One request opens one conversation in the organization's phone inbox.
  conversation_id uuid NOT NULL REFERENCES conversations(id) UNIQUE,
  contact_id uuid NOT NULL REFERENCES contacts(id),
  phone text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  time_zone text NOT NULL,
  locale text NOT NULL CHECK (locale IN ('zh-CN', 'zh-TW', 'en')),
  note text,
  status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'scheduled', 'done', 'missed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (window_end > window_start)
);
CREATE INDEX callback_requests_open_idx ON callback_requests (org_id, window_start) WHERE status IN ('requested', 'scheduled');

CREATE TABLE call_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  callback_id uuid REFERENCES callback_requests(id),
  agent_id uuid REFERENCES agents(id),
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  duration_seconds integer NOT NULL CHECK (duration_seconds >= 0),
  outcome text NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'voicemail', 'wrong_number', 'callback_scheduled')),
  notes text NOT NULL DEFAULT '',
  -- The private note that shows the call in the conversation's timeline.
  message_id uuid REFERENCES messages(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_logs_conversation_idx ON call_logs (org_id, conversation_id, created_at);
