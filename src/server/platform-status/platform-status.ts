import type { Locale } from '../../contracts/domain.ts';
import { toTaiwanText } from '../bot/taiwan-text.ts';
import type { Queryable } from '../db/db.ts';

/** Per coin and network: deposits and withdrawals enabled, suspended or congested, with an incident note. */
export type ServiceState = 'enabled' | 'suspended' | 'congested';
export type PlatformStatusEntry = {
  coin: string;
  network: string;
  deposits: ServiceState;
  withdrawals: ServiceState;
  note: Partial<Record<Locale, string>>;
  updatedAt: string;
};

type Row = {
  coin: string;
  network: string;
  deposits: ServiceState;
  withdrawals: ServiceState;
  note: Partial<Record<Locale, string>>;
  updated_at: Date;
};

const toEntry = (r: Row): PlatformStatusEntry => ({
  coin: r.coin,
  network: r.network,
  deposits: r.deposits,
  withdrawals: r.withdrawals,
  note: r.note,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listPlatformStatus(db: Queryable, orgId: string): Promise<PlatformStatusEntry[]> {
  const rows = await db.query<Row>(
    `SELECT coin, network, deposits, withdrawals, note, updated_at FROM platform_status
      WHERE org_id = $1 ORDER BY coin, network`,
    [orgId],
  );
  return rows.map(toEntry);
}

export async function findPlatformStatus(
  db: Queryable,
  orgId: string,
  coin: string,
  network: string,
): Promise<PlatformStatusEntry | undefined> {
  const rows = await db.query<Row>(
    `SELECT coin, network, deposits, withdrawals, note, updated_at FROM platform_status
      WHERE org_id = $1 AND coin = upper($2) AND network = upper($3)`,
    [orgId, coin, network],
  );
  return rows[0] ? toEntry(rows[0]) : undefined;
}

export async function upsertPlatformStatus(
  db: Queryable,
  orgId: string,
  e: {
    coin: string;
    network: string;
    deposits: ServiceState;
    withdrawals: ServiceState;
    note: Partial<Record<Locale, string>>;
  },
): Promise<PlatformStatusEntry> {
  const rows = await db.query<Row>(
    `INSERT INTO platform_status (org_id, coin, network, deposits, withdrawals, note)
     VALUES ($1, upper($2), upper($3), $4, $5, $6)
     ON CONFLICT (org_id, coin, network) DO UPDATE
       SET deposits = EXCLUDED.deposits, withdrawals = EXCLUDED.withdrawals, note = EXCLUDED.note, updated_at = now()
     RETURNING coin, network, deposits, withdrawals, note, updated_at`,
    [orgId, e.coin, e.network, e.deposits, e.withdrawals, JSON.stringify(e.note)],
  );
  return toEntry(rows[0]);
}

/** Entries that are not fully normal: what the bot mentions first. */
export function incidents(entries: PlatformStatusEntry[]): PlatformStatusEntry[] {
  return entries.filter((e) => e.deposits !== 'enabled' || e.withdrawals !== 'enabled');
}

export function noteFor(entry: PlatformStatusEntry, locale: Locale): string {
  const own = entry.note[locale];
  if (own) return own;
  // A note written in Simplified only still reaches Taiwan readers in their script.
  if (locale === 'zh-TW' && entry.note['zh-CN']) return toTaiwanText(entry.note['zh-CN']);
  return entry.note['zh-CN'] ?? entry.note.en ?? '';
}
