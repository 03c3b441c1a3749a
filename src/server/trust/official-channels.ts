import { extractEntities } from '../bot/entities.ts';
import type { Queryable } from '../db/db.ts';

/**
 * The registry of an exchange's official channels, and the check customers rely on against impersonators: a website,
 * email address, Telegram handle, phone number or wallet address is official only if it is in the registry exactly.
 */
export const CHANNEL_KINDS = ['url', 'email', 'telegram', 'phone', 'wallet'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type ChannelCandidate = { kind: ChannelKind; value: string; raw: string };

/** One spelling per channel, so look-ups are exact: a look-alike domain must not match the real one. */
export function normalizeChannel(kind: ChannelKind, raw: string): string {
  const value = raw.trim();
  switch (kind) {
    case 'url': {
      const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `https://${value}`;
      try {
        return new URL(withScheme).hostname.toLowerCase().replace(/\.$/, '');
      } catch {
        return value.toLowerCase();
      }
    }
    case 'email':
      return value.toLowerCase();
    case 'telegram':
      return value
        .replace(/^(https?:\/\/)?(t\.me|telegram\.me)\//i, '')
        .replace(/^@/, '')
        .toLowerCase();
    case 'phone': {
      const digits = value.replace(/[^\d+]/g, '');
      return digits.startsWith('00') ? `+${digits.slice(2)}` : digits;
    }
    case 'wallet':
      return /^0x[0-9a-f]{40}$/i.test(value) ? value.toLowerCase() : value;
  }
}

const URL_RE = /\b(?:https?:\/\/)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:\/[^\s，。]*)?/gi;
const EMAIL_RE = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi;
const TELEGRAM_RE =
  /(?:(?:https?:\/\/)?t(?:elegram)?\.me\/[a-z0-9_]{4,32})|(?:^|[\s(（：:，,])@([a-z][a-z0-9_]{3,31})\b/gi;
const PHONE_RE = /(?:\+|00)\d[\d\s-]{7,16}\d|\b1[3-9]\d{9}\b|\b400[-\s]?\d{3}[-\s]?\d{4}\b/g;

/** Everything in a message that could be a channel someone contacted the customer through. */
export function extractChannelCandidates(text: string): ChannelCandidate[] {
  const found = new Map<string, ChannelCandidate>();
  const add = (kind: ChannelKind, raw: string) => {
    const value = normalizeChannel(kind, raw);
    if (value) found.set(`${kind}:${value}`, { kind, value, raw: raw.trim() });
  };
  const emails = text.match(EMAIL_RE) ?? [];
  for (const email of emails) add('email', email);
  const withoutEmails = emails.reduce((t, e) => t.replace(e, ' '), text);
  for (const match of withoutEmails.matchAll(TELEGRAM_RE)) add('telegram', match[1] ?? match[0]);
  for (const url of withoutEmails.match(URL_RE) ?? []) {
    if (/^(https?:\/\/)?t(elegram)?\.me\//i.test(url)) continue;
    add('url', url);
  }
  for (const phone of text.match(PHONE_RE) ?? []) add('phone', phone);
  for (const address of extractEntities(text).addresses) {
    if (address.confidence === 'high') add('wallet', address.value);
  }
  return [...found.values()];
}

/** Words that claim to be the exchange's staff: "客服", "官方", "support", "admin"… */
const CLAIMS_STAFF =
  /客服|官方|工作人员|工作人員|管理员|管理員|经理|經理|support|official|admin|staff|team|help\s*desk|customer\s*service/i;

export function claimsToBeStaff(text: string): boolean {
  return CLAIMS_STAFF.test(text);
}

export type OfficialChannelRow = { id: string; kind: ChannelKind; value: string; label: string; created_at: Date };

export async function selectOfficialChannels(db: Queryable, orgId: string): Promise<OfficialChannelRow[]> {
  return db.query<OfficialChannelRow>(
    'SELECT id, kind, value, label, created_at FROM official_channels WHERE org_id = $1 ORDER BY kind, value',
    [orgId],
  );
}

export async function insertOfficialChannel(
  db: Queryable,
  orgId: string,
  c: { kind: ChannelKind; value: string; label: string },
): Promise<OfficialChannelRow> {
  const rows = await db.query<OfficialChannelRow>(
    `INSERT INTO official_channels (org_id, kind, value, label) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id, kind, value) DO UPDATE SET label = EXCLUDED.label
     RETURNING id, kind, value, label, created_at`,
    [orgId, c.kind, normalizeChannel(c.kind, c.value), c.label],
  );
  return rows[0];
}

export async function deleteOfficialChannel(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM official_channels WHERE org_id = $1 AND id = $2 RETURNING id', [orgId, id]);
  return rows.length === 1;
}

export type ChannelVerdict = ChannelCandidate & { official: boolean; label: string | null };

export async function checkChannels(
  db: Queryable,
  orgId: string,
  candidates: ChannelCandidate[],
): Promise<ChannelVerdict[]> {
  if (candidates.length === 0) return [];
  const rows = await db.query<{ kind: ChannelKind; value: string; label: string }>(
    `SELECT kind, value, label FROM official_channels
      WHERE org_id = $1 AND (kind, value) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [orgId, candidates.map((c) => c.kind), candidates.map((c) => c.value)],
  );
  return candidates.map((c) => {
    const hit = rows.find((r) => r.kind === c.kind && r.value === c.value);
    return { ...c, official: Boolean(hit), label: hit?.label ?? null };
  });
}
