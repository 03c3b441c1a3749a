-- Email as a channel (src/server/email/): files that came with messages, and a record of every mail kefu received
-- but did not post (bounces, auto-replies, floods, oversized or malformed mail), so nothing disappears unexplained.

-- Attachments, stored with the conversation (type sniffed from the bytes, not the sender's label; size-limited).
CREATE TABLE message_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  message_id uuid REFERENCES messages(id),
  name text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_files_conversation_idx ON message_files (org_id, conversation_id);

CREATE TABLE email_events (
  id bigserial PRIMARY KEY,
  org_id uuid REFERENCES organizations(id),
  inbox_id uuid REFERENCES inboxes(id),
  kind text NOT NULL CHECK (kind IN ('bounce', 'automatic', 'rate_limited', 'too_large', 'malformed', 'no_inbox')),
  address text,
  contact_id uuid REFERENCES contacts(id),
  detail text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_events_address_idx ON email_events (org_id, address, created_at DESC);
