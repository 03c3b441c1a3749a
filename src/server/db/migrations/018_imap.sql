-- Inbound email by IMAP polling (src/server/email/imap-poller.ts): per email inbox, how far the poller has read its
-- mailbox, and which node is polling it now.

-- last_uid is written after each message is handled, so a restart neither reads a message twice nor skips one; a
-- mailbox whose UIDVALIDITY changed is read again from the start (receiveEmail drops what it already has by
-- Message-ID). The lease (owner, until) lets exactly one node poll an inbox; one that stops lets go, one that dies
-- loses it when it runs out.
CREATE TABLE imap_cursors (
  inbox_id uuid PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations(id),
  uid_validity bigint,
  last_uid bigint NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
