import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. Workforce writes only its rules row. */

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

/** The stored workforce rules record (migration 027), null when an admin never saved one. */
export async function selectWorkforceRules(db: Queryable, orgId: string): Promise<unknown> {
  const rows = await db.query<{ rules: unknown }>('SELECT rules FROM workforce_rules WHERE org_id = $1', [orgId]);
  return rows[0]?.rules ?? null;
}

export async function upsertWorkforceRules(
  db: Queryable,
  orgId: string,
  rules: unknown,
  agentId: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO workforce_rules (org_id, rules, updated_by, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (org_id) DO UPDATE SET rules = EXCLUDED.rules, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [orgId, JSON.stringify(rules), agentId],
  );
}
