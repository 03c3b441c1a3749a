-- Crypto self-service: cases the bot and agents open, four-eyes approvals, the official-channel registry,
-- platform status per coin and network, one-time codes for emergency freezes, and withdrawal watches.

CREATE TABLE support_cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  kind text NOT NULL CHECK (kind IN ('deposit_investigation', 'deposit_recovery', 'security_incident',
                                     'identity_verification', 'unfreeze_request')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'waiting_customer', 'resolved', 'rejected')),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  conversation_id uuid REFERENCES conversations(id),
  contact_id uuid REFERENCES contacts(id),
  exchange_uid text,
  title text NOT NULL,
  -- What was found (on-chain facts, exchange records) when the case was opened; never secrets.
  evidence jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX support_cases_org_status_idx ON support_cases (org_id, status, created_at DESC);
CREATE INDEX support_cases_contact_idx ON support_cases (contact_id, created_at DESC);

-- Unfreezing needs two different staff with the right role: one row per approver.
CREATE TABLE case_approvals (
  org_id uuid NOT NULL REFERENCES organizations(id),
  case_id uuid NOT NULL REFERENCES support_cases(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, agent_id)
);

CREATE TABLE official_channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  kind text NOT NULL CHECK (kind IN ('url', 'email', 'telegram', 'phone', 'wallet')),
  -- Normalised (lower-cased host, handle without @, digits-only phone) so look-ups are exact.
  value text NOT NULL,
  label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, kind, value)
);

CREATE TABLE platform_status (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  coin text NOT NULL,
  network text NOT NULL,
  deposits text NOT NULL DEFAULT 'enabled' CHECK (deposits IN ('enabled', 'suspended', 'congested')),
  withdrawals text NOT NULL DEFAULT 'enabled' CHECK (withdrawals IN ('enabled', 'suspended', 'congested')),
  note jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, coin, network)
);

-- One-time codes mailed to an account's address to authenticate an emergency freeze. Only a hash is kept.
CREATE TABLE emergency_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  exchange_uid text NOT NULL,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emergency_codes_conversation_idx ON emergency_codes (conversation_id, created_at DESC);

-- Mail kefu sends (one-time codes, notices): written in the same transaction as the action, delivered after.
CREATE TABLE outbound_emails (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  sent_at timestamptz,
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Withdrawals a customer asked about: their state is pushed to the conversation when it changes.
CREATE TABLE withdrawal_watches (
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  exchange_uid text NOT NULL,
  withdrawal_id text NOT NULL,
  last_state text NOT NULL,
  last_confirmations integer NOT NULL DEFAULT 0,
  locale text NOT NULL DEFAULT 'zh-CN',
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  PRIMARY KEY (conversation_id, withdrawal_id)
);
