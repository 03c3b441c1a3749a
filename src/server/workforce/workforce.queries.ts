import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. Reads only: workforce writes no table. */

/** Conversations started per 30-minute interval (the interval's number since the epoch) in [from, to). */
export async function selectConversationCounts(
  db: Queryable,
  orgId: string,
  from: Date,
  to: Date,
): Promise<{ slot: number; n: number }[]> {
  return db.query<{ slot: number; n: number }>(
    `SELECT floor(extract(epoch FROM created_at) / 1800)::bigint AS slot, count(*)::int AS n
       FROM conversations WHERE org_id = $1 AND created_at >= $2 AND created_at < $3
      GROUP BY 1 ORDER BY 1`,
    [orgId, from, to],
  );
}

/** The first conversation's start, to know how much history there is. */
export async function selectFirstConversationAt(db: Queryable, orgId: string): Promise<Date | null> {
  const rows = await db.query<{ first: Date | null }>(
    'SELECT min(created_at) AS first FROM conversations WHERE org_id = $1',
    [orgId],
  );
  return rows[0]?.first ?? null;
}

/**
 * Handling time from history: resolved conversations' time from the first reply (or the start) to resolution,
 * median, with how many there were.
 */
export async function selectHandlingSeconds(
  db: Queryable,
  orgId: string,
  since: Date,
): Promise<{ median: number | null; n: number }> {
  const rows = await db.query<{ median: number | null; n: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (
              ORDER BY extract(epoch FROM resolved_at - coalesce(first_reply_at, created_at)))::float8 AS median,
            count(*)::int AS n
       FROM conversations WHERE org_id = $1 AND resolved_at IS NOT NULL AND created_at >= $2`,
    [orgId, since],
  );
  return rows[0] ?? { median: null, n: 0 };
}

/** The shift rules an admin stored in the organization's settings (`settings.workforce.shiftRules`). */
export async function selectShiftRulesSetting(db: Queryable, orgId: string): Promise<unknown> {
  const rows = await db.query<{ rules: unknown }>(
    `SELECT settings -> 'workforce' -> 'shiftRules' AS rules FROM organizations WHERE id = $1`,
    [orgId],
  );
  return rows[0]?.rules ?? null;
}
