-- The bot: per-conversation dialogue state, hand-off facts, and the trained intent models every node shares.

ALTER TABLE conversations
  ADD COLUMN bot_state jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN handoff_at timestamptz,
  ADD COLUMN handoff_reason text,
  -- Set when something in the conversation needs the security team (a leaked secret, a compromised account).
  ADD COLUMN security_flagged_at timestamptz;

CREATE INDEX conversations_org_handoff_idx ON conversations (org_id, handoff_at DESC) WHERE handoff_at IS NOT NULL;

CREATE TABLE bot_models (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- NULL: the built-in model trained from data/intents, shared by every organization.
  org_id uuid REFERENCES organizations(id),
  kind text NOT NULL CHECK (kind IN ('intent')),
  -- Hash of the training data and engine version: the same data never trains twice, a change trains once.
  data_hash text NOT NULL,
  model text NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX bot_models_builtin_key ON bot_models (kind, data_hash) WHERE org_id IS NULL;
