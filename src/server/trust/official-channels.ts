import type { CHANNEL_KINDS } from '../../contracts/self-service.ts';
import { extractEntities } from '../text/entities.ts';
import type { Queryable } from '../db/db.ts';
import { type OfficialChannelRow, selectOfficialChannelsAmong, upsertOfficialChannel } from './trust.queries.ts';

/**
 * The registry of an exchange's official channels, and the check customers rely on against impersonators: a website,
 * email address, Telegram handle, phone number or wallet address is official only if it is in the registry exactly.
 */
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

export type { OfficialChannelRow } from './trust.queries.ts';

/** Adds a channel to the registry (or relabels it), in its one spelling. */
export async function saveOfficialChannel(
  db: Queryable,
  orgId: string,
  c: { kind: ChannelKind; value: string; label: string },
): Promise<OfficialChannelRow> {
  return upsertOfficialChannel(db, orgId, { kind: c.kind, value: normalizeChannel(c.kind, c.value), label: c.label });
}

export type ChannelVerdict = ChannelCandidate & { official: boolean; label: string | null };

/** Which of the candidates are in the registry, exactly as spelt there. */
export async function checkChannels(
  db: Queryable,
  orgId: string,
  candidates: ChannelCandidate[],
): Promise<ChannelVerdict[]> {
  if (candidates.length === 0) return [];
  const rows = await selectOfficialChannelsAmong(db, orgId, candidates);
  return candidates.map((c) => {
    const hit = rows.find((r) => r.kind === c.kind && r.value === c.value);
    return { ...c, official: Boolean(hit), label: hit?.label ?? null };
  });
}
