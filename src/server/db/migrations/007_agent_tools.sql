-- Agent tools: snooze, merge, custom attributes, the bot's last reading of the customer (for list filters), macros,
-- mention notifications, attribute definitions and saved views.

ALTER TABLE conversations
  -- Meaningful only while status = 'snoozed'; NULL there means "until the customer writes again".
  ADD COLUMN snoozed_until timestamptz,
  -- Set on a conversation merged into another (the survivor); the merged one is closed and keeps its messages.
  ADD COLUMN merged_into_id uuid REFERENCES conversations(id),
  ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}',
  -- The bot's last intent and language for this conversation, copied here when the bot reads a message so the list
  -- filters never scan messages.
  ADD COLUMN last_intent text,
  ADD COLUMN last_language text;

-- The list is always "one org, newest activity first, LIMIT n": each selective filter gets an index in that order so
-- the first page is an index range scan, not a sort of every match.
CREATE INDEX conversations_org_priority_activity_idx
  ON conversations (org_id, priority, last_activity_at DESC, id DESC);
CREATE INDEX conversations_org_team_activity_idx
  ON conversations (org_id, team_id, last_activity_at DESC, id DESC) WHERE team_id IS NOT NULL;
CREATE INDEX conversations_org_intent_activity_idx
  ON conversations (org_id, last_intent, last_activity_at DESC, id DESC) WHERE last_intent IS NOT NULL;
CREATE INDEX conversations_org_language_activity_idx
  ON conversations (org_id, last_language, last_activity_at DESC, id DESC) WHERE last_language IS NOT NULL;
CREATE INDEX conversations_tags_idx ON conversations USING gin (tags);
-- The wake-up job reads only the due snoozes.
CREATE INDEX conversations_snoozed_until_idx ON conversations (snoozed_until) WHERE status = 'snoozed';
CREATE INDEX conversations_merged_into_idx ON conversations (merged_into_id) WHERE merged_into_id IS NOT NULL;

CREATE TABLE macros (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  name text NOT NULL,
  -- Typed after "/" in the reply box, e.g. deposit-delay.
  shortcut text NOT NULL,
  -- {"zh": "…", "en": "…"}: at least one language, or actions only.
  bodies jsonb NOT NULL DEFAULT '{}',
  -- {"status", "priority", "addTags", "removeTags"}
  actions jsonb NOT NULL DEFAULT '{}',
  created_by uuid REFERENCES agents(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, shortcut)
);

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  kind text NOT NULL CHECK (kind IN ('mention')),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  message_id uuid NOT NULL REFERENCES messages(id),
  actor_id uuid,
  actor_name text,
  excerpt text NOT NULL,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A note mentioning the same agent twice, or a listener run twice, notifies once.
  UNIQUE (agent_id, message_id, kind)
);
CREATE INDEX notifications_agent_time_idx ON notifications (org_id, agent_id, created_at DESC);
CREATE INDEX notifications_agent_unread_idx ON notifications (org_id, agent_id) WHERE read_at IS NULL;

CREATE TABLE conversation_attribute_definitions (
  org_id uuid NOT NULL REFERENCES organizations(id),
  key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label text NOT NULL,
  type text NOT NULL CHECK (type IN ('text', 'number', 'boolean', 'date', 'list')),
  options jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, key)
);

CREATE TABLE saved_views (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  -- NULL: shared with the whole organization.
  owner_id uuid REFERENCES agents(id),
  name text NOT NULL,
  filters jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_views_org_owner_idx ON saved_views (org_id, owner_id);
