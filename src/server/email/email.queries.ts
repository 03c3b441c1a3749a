import type { Queryable } from '../db/db.ts';

/** Email's SQL: the inboxes by address (across organizations: mail arrives for any) and the mail record. */

export type EmailInboxRow = { id: string; org_id: string; name: string; settings: Record<string, unknown> };

/**
 * The email inbox that receives mail for an address. The one cross-organization read here: the SMTP listener and the
 * IMAP poller serve every organization, and the address says whose mail it is.
 */
export async function selectEmailInboxByAddress(db: Queryable, address: string): Promise<EmailInboxRow | undefined> {
  const rows = await db.query<EmailInboxRow>(
    `SELECT id, org_id, name, settings FROM inboxes
      WHERE kind = 'email' AND lower(settings->'email'->>'address') = lower($1)
      ORDER BY created_at LIMIT 1`,
    [address],
  );
  return rows[0];
}

export async function insertEmailEvent(
  db: Queryable,
  e: {
    orgId: string | null;
    inboxId: string | null;
    kind: 'bounce' | 'automatic' | 'rate_limited' | 'too_large' | 'malformed' | 'no_inbox';
    address: string | null;
    contactId?: string | null;
    detail: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO email_events (org_id, inbox_id, kind, address, contact_id, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
    [e.orgId, e.inboxId, e.kind, e.address, e.contactId ?? null, e.detail.slice(0, 2000)],
  );
}

export async function selectEmailEvents(
  db: Queryable,
  orgId: string,
  limit: number,
): Promise<{ kind: string; address: string | null; detail: string | null; created_at: Date }[]> {
  return db.query(
    'SELECT kind, address, detail, created_at FROM email_events WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
    [orgId, limit],
  );
}

/** How many mails this sender got into this inbox recently (the per-sender flood limit). */
export async function countRecentEmailsFrom(
  db: Queryable,
  orgId: string,
  address: string,
  withinMinutes: number,
): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM channel_message_refs r
       JOIN messages m ON m.org_id = r.org_id AND m.id = r.message_id
      WHERE r.org_id = $1 AND r.channel = 'email' AND m.author_kind = 'customer'
        AND m.meta->'email'->>'from' = $2 AND r.created_at > now() - make_interval(mins => $3)`,
    [orgId, address, withinMinutes],
  );
  return rows[0]?.n ?? 0;
}

/** What threads a reply: the subject the customer first wrote, every email id of the conversation, the latest inbound. */
export async function selectEmailThread(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<{ subject: string | null; references: string[]; lastInbound: string | null }> {
  const refs = await db.query<{ external_id: string; author_kind: string | null; subject: string | null }>(
    `SELECT r.external_id, m.author_kind, m.meta->'email'->>'subject' AS subject
       FROM channel_message_refs r LEFT JOIN messages m ON m.org_id = r.org_id AND m.id = r.message_id
      WHERE r.org_id = $1 AND r.conversation_id = $2 AND r.channel = 'email'
      ORDER BY r.created_at`,
    [orgId, conversationId],
  );
  const inbound = refs.filter((r) => r.author_kind === 'customer');
  return {
    subject: inbound.find((r) => r.subject)?.subject ?? null,
    references: refs.map((r) => r.external_id).slice(-20),
    lastInbound: inbound.at(-1)?.external_id ?? null,
  };
}
