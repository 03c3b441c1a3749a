-- Routing: teams with skills and an overflow, each agent's routing state, and each conversation's place in a queue.

ALTER TABLE teams
  ADD COLUMN skills text[] NOT NULL DEFAULT '{}',
  -- Where this team's waiting conversations go when they have waited longer than overflow_after_seconds.
  ADD COLUMN overflow_team_id uuid REFERENCES teams(id),
  ADD COLUMN overflow_after_seconds integer CHECK (overflow_after_seconds > 0),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- One row per agent who has ever been routed or configured; no row = offline, default capacity, no skills.
CREATE TABLE agent_routing (
  agent_id uuid PRIMARY KEY REFERENCES agents(id),
  org_id uuid NOT NULL REFERENCES organizations(id),
  status text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'away', 'offline')),
  -- The most open conversations routing gives this agent at once.
  capacity integer NOT NULL DEFAULT 5 CHECK (capacity BETWEEN 0 AND 100),
  -- Languages (zh, en) and specialities (VIP, security, P2P…) in one set: a conversation needs all of its skills.
  skills text[] NOT NULL DEFAULT '{}',
  last_assigned_at timestamptz,
  -- When the agent's last console socket closed; after a grace period the sweeper takes them offline.
  disconnected_at timestamptz,
  status_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_routing_org_idx ON agent_routing (org_id, status);

ALTER TABLE conversations
  -- Set when the conversation first needed a human; the queue is ordered by priority, then this.
  ADD COLUMN queued_at timestamptz,
  -- When it entered its current team's queue (reset on overflow and on a requeue): drives overflow and waits.
  ADD COLUMN queue_entered_at timestamptz,
  ADD COLUMN assigned_at timestamptz,
  ADD COLUMN required_skills text[] NOT NULL DEFAULT '{}',
  -- Agents routing must not pick again for this conversation (they stayed silent on it).
  ADD COLUMN routing_excluded_agent_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX conversations_org_queue_idx ON conversations (org_id, queued_at)
  WHERE queued_at IS NOT NULL AND assignee_id IS NULL;

-- Every routed assignment with how long the customer waited for it: the wait estimate reads the recent ones.
CREATE TABLE routing_assignments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  team_id uuid REFERENCES teams(id),
  via text NOT NULL CHECK (via IN ('auto', 'take_next')),
  waited_seconds integer NOT NULL,
  assigned_at timestamptz NOT NULL
);
CREATE INDEX routing_assignments_org_time_idx ON routing_assignments (org_id, assigned_at DESC);
