-- Telegram by long polling (src/server/telegram/telegram-poller.ts), for a kefu without a public URL: per Telegram
-- inbox in polling mode, the last update handled and which node polls the bot now.

-- last_update_id is written after each update is handled and getUpdates asks from the one after it, so a restart
-- neither handles an update twice nor skips one. The lease (owner, until) lets exactly one node poll a bot (Telegram
-- answers a second concurrent getUpdates with 409 Conflict); one that stops lets go, one that dies loses it when it
-- runs out.
CREATE TABLE telegram_cursors (
  inbox_id uuid PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations(id),
  last_update_id bigint,
  lease_owner text,
  lease_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
