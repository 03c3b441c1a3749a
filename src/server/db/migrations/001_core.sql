-- Core schema: every tenant-owned row carries org_id, and every query filters on it.

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text NOT NULL,
  require_totp boolean NOT NULL DEFAULT false,
  -- Display numbers customers can quote (#1024) are per organization.
  conversation_counter integer NOT NULL DEFAULT 0,
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Process-wide secrets (e.g. the key that signs visitor tokens), shared by every node through the database.
CREATE TABLE app_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
  locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('zh-CN', 'zh-TW', 'en')),
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  -- The last TOTP time step accepted: a code is single-use even within its 30 s window.
  totp_last_step bigint,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));
CREATE INDEX agents_org_idx ON agents (org_id);

CREATE TABLE agent_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  -- Only a hash of the cookie value is stored: a leaked table does not leak sessions.
  token_hash text NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  -- Set when the organization requires 2FA and the agent has not enrolled: the session can only enrol.
  totp_enrollment_only boolean NOT NULL DEFAULT false,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX agent_sessions_agent_idx ON agent_sessions (agent_id);

CREATE TABLE login_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  ip text,
  succeeded boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (lower(email), created_at);

CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);

CREATE TABLE team_members (
  org_id uuid NOT NULL REFERENCES organizations(id),
  team_id uuid NOT NULL REFERENCES teams(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  PRIMARY KEY (team_id, agent_id)
);
CREATE INDEX team_members_agent_idx ON team_members (agent_id);

-- A channel instance: the web widget now; email and Telegram later.
CREATE TABLE inboxes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  kind text NOT NULL CHECK (kind IN ('web', 'email', 'telegram')),
  name text NOT NULL,
  -- HMAC-SHA256 key the exchange signs identity tokens with (web inboxes).
  identity_secret text,
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inboxes_org_idx ON inboxes (org_id);

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  name text,
  email text,
  exchange_uid text,
  locale text CHECK (locale IN ('zh-CN', 'zh-TW', 'en')),
  vip_level integer NOT NULL DEFAULT 0,
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contacts_exchange_uid_key ON contacts (org_id, exchange_uid) WHERE exchange_uid IS NOT NULL;
CREATE INDEX contacts_org_email_idx ON contacts (org_id, lower(email));

-- How one customer is known on each channel: web visitor id, email address, Telegram id, exchange UID.
CREATE TABLE contact_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  contact_id uuid NOT NULL REFERENCES contacts(id),
  kind text NOT NULL CHECK (kind IN ('web_visitor', 'email', 'telegram', 'exchange_uid')),
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, kind, value)
);
CREATE INDEX contact_identities_contact_idx ON contact_identities (contact_id);

CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  number integer NOT NULL,
  inbox_id uuid NOT NULL REFERENCES inboxes(id),
  contact_id uuid NOT NULL REFERENCES contacts(id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'snoozed', 'resolved', 'closed')),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  assignee_id uuid REFERENCES agents(id),
  team_id uuid REFERENCES teams(id),
  tags text[] NOT NULL DEFAULT '{}',
  -- The seq of the newest message; the next message takes last_seq + 1 under this row's lock.
  last_seq integer NOT NULL DEFAULT 0,
  -- Preview for the inbox list, kept with the seq so the list needs no join to messages.
  last_message jsonb,
  first_reply_at timestamptz,
  resolved_at timestamptz,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, number)
);
CREATE INDEX conversations_org_activity_idx ON conversations (org_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_org_status_activity_idx ON conversations (org_id, status, last_activity_at DESC, id DESC);
CREATE INDEX conversations_org_assignee_activity_idx ON conversations (org_id, assignee_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_contact_idx ON conversations (contact_id, last_activity_at DESC);

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  seq integer NOT NULL,
  author_kind text NOT NULL CHECK (author_kind IN ('customer', 'agent', 'bot', 'system')),
  author_id uuid,
  author_name text,
  body text NOT NULL,
  private boolean NOT NULL DEFAULT false,
  attachments jsonb NOT NULL DEFAULT '[]',
  -- Chosen by the sender; a retried send with the same client_id finds the first message instead of adding one.
  client_id text,
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq),
  UNIQUE (conversation_id, client_id)
);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid REFERENCES organizations(id),
  actor_kind text NOT NULL CHECK (actor_kind IN ('agent', 'system', 'customer')),
  actor_id uuid,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}',
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_time_idx ON audit_log (org_id, created_at DESC);
