import type { Queryable } from '../db/db.ts';

/**
 * The pg-boss adapter's own statements. A cross-organization exception to "every query takes orgId": these read and
 * write pg-boss's job table and the connection's schema, which belong to the queue that every organization's jobs
 * share, not to one organization. (The SQL pg-boss itself sends passes through job-queue.ts's executeSql untouched.)
 */

/** Makes due the created jobs whose runAt (in `data[runAtKey]`) a controllable clock has passed. */
export async function promoteDueJobs(db: Queryable, schema: string, runAtKey: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE "${schema}".job SET start_after = now() - interval '1 millisecond'
      WHERE state = 'created' AND start_after > now() AND data ? $1 AND (data->>$1)::timestamptz <= $2`,
    [runAtKey, now.toISOString()],
  );
}

/** The connection's current schema (null when its search_path names none). */
export async function selectCurrentSchema(db: Queryable): Promise<string | null> {
  const rows = await db.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  return rows[0]?.schema ?? null;
}
