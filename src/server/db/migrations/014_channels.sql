-- Channels beyond the web widget (src/server/channels/ and one folder per channel): email, Telegram, phone callbacks
-- and the exchange's own API. A conversation's channel is its inbox's kind; a contact has one identity per channel.

ALTER TABLE inboxes DROP CONSTRAINT inboxes_kind_check;
ALTER TABLE inboxes ADD CONSTRAINT inboxes_kind_check CHECK (kind IN ('web', 'email', 'telegram', 'phone', 'api'));

ALTER TABLE contact_identities DROP CONSTRAINT contact_identities_kind_check;
ALTER TABLE contact_identities ADD CONSTRAINT contact_identities_kind_check
  CHECK (kind IN ('web_visitor', 'email', 'telegram', 'exchange_uid', 'phone'));

-- A message's id in its channel (an email's Message-ID, a Telegram message id): replies thread by it, and the same
-- inbound message is never stored twice.
CREATE TABLE channel_message_refs (
  org_id uuid NOT NULL REFERENCES organizations(id),
  channel text NOT NULL,
  external_id text NOT NULL,
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  message_id uuid REFERENCES messages(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, channel, external_id)
);
CREATE INDEX channel_message_refs_conversation_idx ON channel_message_refs (conversation_id);

-- The secret part of a conversation's own reply address (support+<token>@…): mail to it threads there even when a
-- mail client drops the threading headers.
CREATE TABLE conversation_reply_tokens (
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id) UNIQUE,
  token text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Agents' and the bot's public messages going out on a conversation's channel, with every attempt: delivered once,
-- retried with backoff from the job queue, and visible to agents when a channel fails.
CREATE TABLE channel_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  message_id uuid NOT NULL REFERENCES messages(id),
  channel text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  external_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (message_id, channel)
);
CREATE INDEX channel_deliveries_conversation_idx ON channel_deliveries (org_id, conversation_id);
