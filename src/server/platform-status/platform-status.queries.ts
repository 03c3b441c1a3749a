import type { Locale } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';

export type ServiceState = 'enabled' | 'suspended' | 'congested';
export type PlatformStatusRow = {
  coin: string;
  network: string;
  deposits: ServiceState;
  withdrawals: ServiceState;
  note: Partial<Record<Locale, string>>;
  updated_at: Date;
};

export async function selectPlatformStatus(db: Queryable, orgId: string): Promise<PlatformStatusRow[]> {
  return db.query<PlatformStatusRow>(
    `SELECT coin, network, deposits, withdrawals, note, updated_at FROM platform_status
      WHERE org_id = $1 ORDER BY coin, network`,
    [orgId],
  );
}

export async function selectPlatformStatusOf(
  db: Queryable,
  orgId: string,
  coin: string,
  network: string,
): Promise<PlatformStatusRow | undefined> {
  const rows = await db.query<PlatformStatusRow>(
    `SELECT coin, network, deposits, withdrawals, note, updated_at FROM platform_status
      WHERE org_id = $1 AND coin = upper($2) AND network = upper($3)`,
    [orgId, coin, network],
  );
  return rows[0];
}

/** One coin and network's status as an admin sets it. */
export type PlatformStatusChange = {
  coin: string;
  network: string;
  deposits: ServiceState;
  withdrawals: ServiceState;
  note: Partial<Record<Locale, string>>;
};

export async function upsertPlatformStatusRow(
  db: Queryable,
  orgId: string,
  e: PlatformStatusChange,
): Promise<PlatformStatusRow> {
  const rows = await db.query<PlatformStatusRow>(
    `INSERT INTO platform_status (org_id, coin, network, deposits, withdrawals, note)
     VALUES ($1, upper($2), upper($3), $4, $5, $6)
     ON CONFLICT (org_id, coin, network) DO UPDATE
       SET deposits = EXCLUDED.deposits, withdrawals = EXCLUDED.withdrawals, note = EXCLUDED.note, updated_at = now()
     RETURNING coin, network, deposits, withdrawals, note, updated_at`,
    [orgId, e.coin, e.network, e.deposits, e.withdrawals, JSON.stringify(e.note)],
  );
  return rows[0];
}
