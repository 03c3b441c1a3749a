import type { Priority } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';
import type { BotState } from './dialogue.ts';

export type BotConversationRow = {
  id: string;
  contact_id: string;
  inbox_id: string;
  status: string;
  priority: Priority;
  assignee_id: string | null;
  tags: string[];
  bot_state: Partial<BotState>;
  handoff_at: Date | null;
  first_reply_at: Date | null;
  contact_locale: string | null;
  contact_name: string | null;
  /** For the priority rules, which hear it with the bot's reading (message.understood). */
  contact_vip_level: number;
  /**
   * The customer's exchange UID when the channel proves it is them: a widget session signed by the exchange, or the
   * exchange's own API. On email or Telegram a From address or a handle proves nothing, so there it is null and the bot
   * asks for the usual verification before it reads or changes an account.
   */
  contact_exchange_uid: string | null;
  org_name: string;
  bot_enabled: boolean;
};

/** What the bot needs to take a turn: its state, whether a human already has the conversation, the inbox's switch. */
export async function selectBotConversation(db: Queryable, orgId: string, conversationId: string) {
  const rows = await db.query<BotConversationRow>(
    `SELECT c.id, c.contact_id, c.inbox_id, c.status, c.priority, c.assignee_id, c.tags, c.bot_state, c.handoff_at,
            c.first_reply_at, ct.locale AS contact_locale, ct.name AS contact_name, ct.vip_level AS contact_vip_level, CASE WHEN i.kind IN ('web', 'api') THEN ct.exchange_uid END AS contact_exchange_uid,
            o.name AS org_name,
            COALESCE((i.settings->'bot'->>'enabled')::boolean, false) AS bot_enabled
       FROM conversations c
       JOIN contacts ct ON ct.id = c.contact_id
       JOIN inboxes i ON i.id = c.inbox_id
       JOIN organizations o ON o.id = c.org_id
      WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, conversationId],
  );
  return rows[0];
}

export async function selectBuiltinModel(db: Queryable, dataHash: string): Promise<string | undefined> {
  const rows = await db.query<{ model: string }>(
    `SELECT model FROM bot_models WHERE org_id IS NULL AND kind = 'intent' AND data_hash = $1`,
    [dataHash],
  );
  return rows[0]?.model;
}

export async function insertBuiltinModel(
  db: Queryable,
  m: { dataHash: string; model: string; metrics: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `INSERT INTO bot_models (org_id, kind, data_hash, model, metrics) VALUES (NULL, 'intent', $1, $2, $3)
     ON CONFLICT (kind, data_hash) WHERE org_id IS NULL DO NOTHING`,
    [m.dataHash, m.model, JSON.stringify(m.metrics)],
  );
}

/** Whether a person has answered the customer (a public agent message) since a moment: then the bot stays quiet. */
export async function selectAgentRepliedSince(
  db: Queryable,
  orgId: string,
  conversationId: string,
  since: Date,
): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM messages
      WHERE org_id = $1 AND conversation_id = $2 AND author_kind = 'agent' AND NOT private AND created_at >= $3
      LIMIT 1`,
    [orgId, conversationId, since],
  );
  return rows.length > 0;
}
