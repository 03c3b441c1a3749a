import type { Locale } from '../../contracts/domain.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import type { Queryable } from '../db/db.ts';
import {
  type PlatformStatusRow,
  selectPlatformStatus,
  selectPlatformStatusOf,
  upsertPlatformStatusRow,
  type PlatformStatusChange,
} from './platform-status.queries.ts';

/** Per coin and network: deposits and withdrawals enabled, suspended or congested, with an incident note. */
export type { ServiceState } from './platform-status.queries.ts';
export type PlatformStatusEntry = PlatformStatusChange & { updatedAt: string };

const toEntry = (r: PlatformStatusRow): PlatformStatusEntry => ({
  coin: r.coin,
  network: r.network,
  deposits: r.deposits,
  withdrawals: r.withdrawals,
  note: r.note,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listPlatformStatus(db: Queryable, orgId: string): Promise<PlatformStatusEntry[]> {
  return (await selectPlatformStatus(db, orgId)).map(toEntry);
}

export async function findPlatformStatus(
  db: Queryable,
  orgId: string,
  coin: string,
  network: string,
): Promise<PlatformStatusEntry | undefined> {
  const row = await selectPlatformStatusOf(db, orgId, coin, network);
  return row ? toEntry(row) : undefined;
}

/** Sets one coin and network's status (coin and network stored in upper case). */
export async function upsertPlatformStatus(
  db: Queryable,
  orgId: string,
  e: PlatformStatusChange,
): Promise<PlatformStatusEntry> {
  return toEntry(await upsertPlatformStatusRow(db, orgId, e));
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
