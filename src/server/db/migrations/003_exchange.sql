-- The exchange connector. The sandbox_* tables are the built-in sandbox exchange (the demo and the tests): a small
-- stand-in for an exchange's own back office, per organization. exchange_actions is kefu's own record of what an agent
-- asked the exchange to do, keyed by the request id that makes the action idempotent.

CREATE TABLE sandbox_accounts (
  org_id uuid NOT NULL REFERENCES organizations(id),
  uid text NOT NULL,
  email text NOT NULL,
  kyc_level integer NOT NULL DEFAULT 0 CHECK (kyc_level BETWEEN 0 AND 3),
  vip_level integer NOT NULL DEFAULT 0 CHECK (vip_level BETWEEN 0 AND 9),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'locked', 'frozen', 'restricted')),
  registered_at timestamptz NOT NULL DEFAULT now(),
  locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('zh-CN', 'zh-TW', 'en')),
  anti_phishing_code text,
  -- What "revoke sessions and API keys" has to revoke.
  active_sessions integer NOT NULL DEFAULT 0,
  api_keys integer NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, uid)
);
CREATE UNIQUE INDEX sandbox_accounts_email_key ON sandbox_accounts (org_id, lower(email));

CREATE TABLE sandbox_deposit_addresses (
  org_id uuid NOT NULL REFERENCES organizations(id),
  uid text NOT NULL,
  coin text NOT NULL,
  network text NOT NULL,
  address text NOT NULL,
  memo text,
  PRIMARY KEY (org_id, uid, coin, network),
  FOREIGN KEY (org_id, uid) REFERENCES sandbox_accounts (org_id, uid)
);

CREATE TABLE sandbox_deposits (
  org_id uuid NOT NULL REFERENCES organizations(id),
  id text NOT NULL,
  uid text NOT NULL,
  coin text NOT NULL,
  network text NOT NULL,
  amount numeric(38, 18) NOT NULL CHECK (amount > 0),
  tx_hash text NOT NULL,
  address text NOT NULL,
  memo text,
  status text NOT NULL CHECK (status IN ('pending', 'credited', 'failed')),
  -- What the exchange's own node has seen; a pending deposit past its required confirmations is stuck.
  confirmations integer,
  required_confirmations integer,
  credited_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, uid) REFERENCES sandbox_accounts (org_id, uid)
);
CREATE INDEX sandbox_deposits_uid_idx ON sandbox_deposits (org_id, uid, created_at DESC);
CREATE INDEX sandbox_deposits_tx_idx ON sandbox_deposits (org_id, lower(tx_hash));

CREATE TABLE sandbox_withdrawals (
  org_id uuid NOT NULL REFERENCES organizations(id),
  id text NOT NULL,
  uid text NOT NULL,
  coin text NOT NULL,
  network text NOT NULL,
  amount numeric(38, 18) NOT NULL CHECK (amount > 0),
  address text NOT NULL,
  memo text,
  state text NOT NULL
    CHECK (state IN ('under_review', 'processing', 'broadcast', 'completed', 'rejected', 'cancelled')),
  reason_code text,
  tx_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, uid) REFERENCES sandbox_accounts (org_id, uid)
);
CREATE INDEX sandbox_withdrawals_uid_idx ON sandbox_withdrawals (org_id, uid, created_at DESC);

CREATE TABLE sandbox_logins (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations(id),
  uid text NOT NULL,
  at timestamptz NOT NULL,
  ip text NOT NULL,
  device text NOT NULL,
  country text NOT NULL,
  FOREIGN KEY (org_id, uid) REFERENCES sandbox_accounts (org_id, uid)
);
CREATE INDEX sandbox_logins_uid_idx ON sandbox_logins (org_id, uid, at DESC);

-- The sandbox's side of idempotency: a retried request id returns the first result instead of acting again. Request
-- ids are scoped by action (the contract lets one id cover a freeze and the revocation that goes with it).
CREATE TABLE sandbox_actions (
  org_id uuid NOT NULL REFERENCES organizations(id),
  action text NOT NULL CHECK (action IN ('freeze', 'revoke_sessions', 'unfreeze')),
  request_id text NOT NULL,
  uid text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, action, request_id)
);

-- kefu's side: one row per action and request id an agent sent, so a retried click is audited once.
CREATE TABLE exchange_actions (
  org_id uuid NOT NULL REFERENCES organizations(id),
  action text NOT NULL,
  request_id text NOT NULL,
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  uid text NOT NULL,
  actor_id uuid REFERENCES agents(id),
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, action, request_id)
);
